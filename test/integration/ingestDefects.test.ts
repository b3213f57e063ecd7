// Ingest defects outside testing found, each through the real command line or the real vault:
// records swallowed by a quote (A1), a record over 128 MB (A2), malformed records cut at 10,000
// characters (A3), values rewritten by mixed line endings (A8) and split by a bare CR (A9), a file
// that changes while it is read (A11), NULs past 64 KiB (A12), a 10,000-column header (A13), a
// file from inside the workspace (B6), and the encoding messages (D).
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { withEngine } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { storeInVault } from '../../main/ingest/vault.js';
import { fileHeader } from '../../main/api/fileHeader.js';

const T = (extra = '') => `apiVersion: v3.1.0
kind: DataContract
id: t
name: t
version: 1.0.0
schema:
  - name: t
    properties:
      - {name: a, logicalType: integer${extra}}
      - {name: b, logicalType: string}
      - {name: c, logicalType: string}
`;

async function run(name: string, data: string | Buffer, contract = T()) {
  const dir = tempDir('ingest-defects');
  const file = join(dir, name);
  writeFileSync(file, data);
  const c = join(dir, 't.odcs.yaml');
  writeFileSync(c, contract);
  const ws = join(dir, 'ws');
  const res = await cliRun(file, c, ws);
  return { dir, file, ws, res };
}

async function tables(ws: string) {
  return withEngine(ws, async (e) => ({
    prod: (await e.duck.conn.runAndReadAll(`SELECT a::VARCHAR AS a, b, c, _airlock_row_id AS id FROM prod.t ORDER BY _airlock_row_id`)).getRowObjectsJS() as { a: string; b: string | null; c: string | null; id: bigint }[],
    quarantine: (await e.duck.conn.runAndReadAll(`SELECT _airlock_row_id AS id, _airlock_raw_line AS raw, _airlock_raw_offset AS off, _airlock_raw_length AS len FROM quarantine.t ORDER BY _airlock_row_id`)).getRowObjectsJS() as { id: bigint; raw: string; off: bigint; len: bigint }[],
  }));
}

describe('ingest: every physical record accounted for against the scan', () => {
  it('A1: an unbalanced quote on line 3 of 20,002 records: one record quarantined, 20,001 promoted', async () => {
    const data = 'a,b,c\n1,ok,ok\n2,"oops,z\n' + Array.from({ length: 20_000 }, (_, i) => `${i + 3},v,w\n`).join('');
    const { res, ws } = await run('u.csv', data);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 20_002, successRows: 20_001, quarantineRows: 1, reconciled: true });
    const { quarantine } = await tables(ws);
    expect(quarantine.map((q) => [Number(q.id), q.raw])).toEqual([[2, '2,"oops,z']]);
  }, 120_000);

  it('A2/A3: a 140 MB record is quarantined by its place in the vault; record 3 keeps ordinal 3', async () => {
    const big = Buffer.concat([Buffer.from('a,b,c\n1,ok,ok\n2,'), Buffer.alloc(140 << 20, 0x78), Buffer.from(',y\n3,ok,ok\n')]);
    const { res, ws } = await run('g.csv', big);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 3, successRows: 2, quarantineRows: 1, reconciled: true });
    const { prod, quarantine } = await tables(ws);
    expect(prod.map((p) => [p.a, Number(p.id)])).toEqual([['1', 1], ['3', 3]]);
    expect(quarantine.map((q) => [Number(q.id), Number(q.off), Number(q.len)])).toEqual([[2, 14, (140 << 20) + 4]]);
    expect(quarantine[0].raw).toMatch(/^vault:[0-9a-f]{64}\.csv@14\+146800644$/);
  }, 300_000);

  it('A3: a 2 MB malformed record keeps all of its bytes in the vault, referenced whole', async () => {
    const rec = `2,"${'y'.repeat(2 << 20)}`;
    const { res, ws } = await run('m.csv', `a,b,c\n1,ok,ok\n${rec}\n3,ok,ok\n`);
    expect(res.code, describeResult(res)).toBe(0);
    const { quarantine } = await tables(ws);
    expect(quarantine.map((q) => Number(q.len))).toEqual([rec.length]);
  }, 120_000);

  it('A8/A9: mixed line endings keep the bytes inside quotes; a bare CR does not split a record', async () => {
    const a = await run('mixed.csv', 'a,b,c\r\n1,"x\r\ny",z\r\n2,p,q\n3,"lone\rcr",w\r\n');
    expect(a.res.code, describeResult(a.res)).toBe(0);
    expect((await tables(a.ws)).prod.map((p) => [p.a, p.b])).toEqual([['1', 'x\r\ny'], ['2', 'p'], ['3', 'lone\rcr']]);
    const b = await run('cr.csv', 'a,b,c\n1,x,y\n2,a\rb,c\n3,p,q\n');
    expect(b.res.code, describeResult(b.res)).toBe(0);
    expect(summaryOf(b.res)).toMatchObject({ sourceRows: 3, successRows: 2, quarantineRows: 1 });
    const t = await tables(b.ws);
    expect(t.prod.map((p) => [p.a, Number(p.id)])).toEqual([['1', 1], ['3', 3]]);
    expect(t.quarantine.map((q) => [Number(q.id), q.raw])).toEqual([[2, '2,a\rb,c']]);
  }, 120_000);

  it('A12: a NUL byte past the first 64 KiB is a malformed record, never production', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i + 1},vvvvvvvvvv,w`);
    rows[9_000] = '9001,bad\u0000byte,w';
    const { res, ws } = await run('nul.csv', 'a,b,c\n' + rows.join('\n') + '\n');
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 10_000, successRows: 9_999, quarantineRows: 1 });
    const { quarantine } = await tables(ws);
    expect(quarantine.map((q) => Number(q.id))).toEqual([9001]);
  }, 120_000);

  it('A13: a header over 64 KiB is read whole: a run with 300 long column names, and the 10,000 names of a wide file', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `c${i}_${'n'.repeat(240)}`);
    expect(names.join(',').length).toBeGreaterThan(64 * 1024);
    const contract = `apiVersion: v3.1.0\nkind: DataContract\nid: wide\nname: wide\nversion: 1.0.0\nschema:\n  - name: wide\n    properties:\n${names.map((n) => `      - {name: ${n}, logicalType: string}`).join('\n')}\n`;
    const { res, dir } = await run('wide.csv', `${names.join(',')}\n${names.map((_, i) => String(i)).join(',')}\n`, contract);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ status: 'completed', sourceRows: 1, successRows: 1 });
    const many = Array.from({ length: 10_000 }, (_, i) => `column_number_${i}`);
    const wide = join(dir, 'wider.csv');
    writeFileSync(wide, `${many.join(',')}\n${many.map((_, i) => String(i)).join(',')}\n`);
    expect(await withEngine(join(dir, 'ws'), (e) => fileHeader(e.duck.conn, wide, 'wider.csv'))).toEqual(many);
  }, 300_000);

  it('A11: size and hash are of the bytes copied, for a file that grows while it is read and a /proc file', async () => {
    const dir = tempDir('vault-growing');
    const vaultDir = join(dir, 'vault');
    mkdirSync(vaultDir);
    const file = join(dir, 'grow.csv');
    writeFileSync(file, 'a,b,c\n' + '1,x,y\n'.repeat(200_000));
    let appending = true;
    const grow = (async () => {
      for (let k = 0; k < 400 && appending; k++) {
        appendFileSync(file, '2,x,y\n'.repeat(5_000));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const entry = await storeInVault(file, vaultDir);
    appending = false;
    await grow;
    const copied = readFileSync(entry.vaultPath);
    expect(entry.bytes).toBe(copied.length);
    expect(entry.sha256).toBe(createHash('sha256').update(copied).digest('hex'));
    const proc = await storeInVault('/proc/self/status', vaultDir);
    const procBytes = readFileSync(proc.vaultPath);
    expect(procBytes.length).toBeGreaterThan(0);
    expect(proc.bytes).toBe(procBytes.length);
  }, 120_000);

  it('B6: a file inside the workspace is refused before anything is copied into the vault', async () => {
    const { ws, res } = await run('ok.csv', 'a,b,c\n1,x,y\n');
    expect(res.code).toBe(0);
    const before = readdirSync(join(ws, 'vault')).sort();
    const dir = tempDir('ws-input');
    const c = join(dir, 't.odcs.yaml');
    writeFileSync(c, T());
    for (const inside of [join(ws, 'data.duckdb'), ...readdirSync(join(ws, 'keys')).map((k) => join(ws, 'keys', k))]) {
      expect(existsSync(inside)).toBe(true);
      const r = await cliRun(inside, c, ws);
      expect(r.code, describeResult(r)).toBe(2);
      expect(r.stderr).toMatch(/inside the workspace/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(join(ws, 'vault')).sort()).toEqual(before);
  }, 120_000);

  it('D: UTF-16 is named as UTF-16 with how to save as UTF-8; Latin-1 records are quarantined with an encoding hint', async () => {
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b,c\n1,x,y\n', 'utf16le')]);
    const a = await run('u16.csv', u16);
    expect(a.res.code).toBe(2);
    expect(a.res.stderr).toMatch(/u16\.csv: the file is UTF-16 text\. Save it as UTF-8/);
    const noBom = await run('u16nobom.csv', Buffer.from('a,b,c\n1,x,y\n2,z,w\n', 'utf16le'));
    expect(noBom.res.code).toBe(2);
    expect(noBom.res.stderr).toMatch(/UTF-16/);
    const l1 = await run('latin1.csv', Buffer.from('a,b,c\n1,Jos\xe9,y\n2,Ren\xe9e,z\n3,ok,ok\n', 'latin1'));
    expect(l1.res.code, describeResult(l1.res)).toBe(0);
    expect(summaryOf(l1.res)).toMatchObject({ sourceRows: 3, successRows: 1, quarantineRows: 2 });
    expect(l1.res.stderr).toMatch(/2 records of latin1\.csv are quarantined because they are not UTF-8 text: the file may be Latin-1/);
  }, 120_000);

  it('D: a one-line file of 20,000 fields (no newline) gives a short message', async () => {
    const line = Array.from({ length: 20_000 }, (_, i) => `value${i}`).join(',');
    const { res } = await run('oneline.csv', line);
    expect([0, 2, 3]).toContain(res.code);
    for (const l of res.stderr.split('\n')) expect(l.length).toBeLessThan(2_000);
  }, 120_000);

  it('D: a Parquet file with columns a and A is refused naming both, not described as A_1', async () => {
    const dir = tempDir('pq-case');
    const pq = join(dir, 'case.parquet');
    // DuckDB itself renames a second "A" to A_1 when writing, so the file is written with columns
    // xa and xb and the footer's name "xb" patched to "XA" (same length: no offset moves).
    const py = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
      await c.run("COPY (SELECT 1 AS xa, 2 AS xb) TO '${pq}' (FORMAT parquet)");`], { encoding: 'utf8', cwd: process.cwd() });
    expect(py.status, py.stderr).toBe(0);
    const bytes = readFileSync(pq);
    for (let i = bytes.indexOf('xb'); i >= 0; i = bytes.indexOf('xb', i + 2)) bytes.write('XA', i, 'latin1');
    writeFileSync(pq, bytes);
    const c = join(dir, 't.odcs.yaml');
    writeFileSync(c, T());
    const r = await runCli(['run', pq, '--contract', c, '--workspace', join(dir, 'ws'), '--approve-all', '--no-model', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"xa" and "XA" differ only in case/);
    expect(r.stderr).not.toMatch(/A_1/);
  }, 120_000);
});
