// What an adversarial pass over the new ingest found, each as it was reproduced: an 8 MiB record
// whose CR ends a 64 KiB chunk (emptied, Sev-1), headers with broken quotes (accepted, or a stack
// trace), a CSV whose first column is named PAR1, a quoted empty field made NULL with no audit, a
// single NUL refusing a small file, and profile on a folder or a FIFO.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { withEngine } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const contract = (cols: string[]) => `apiVersion: v3.1.0
kind: DataContract
id: s
name: s
version: 1.0.0
schema:
  - name: s
    properties:
${cols.map((c) => `      - {name: ${c}, logicalType: string}`).join('\n')}
`;

async function run(data: string | Buffer, cols = ['a', 'b', 'c']) {
  const dir = tempDir('adversarial');
  const file = join(dir, 'in.csv');
  writeFileSync(file, data);
  const c = join(dir, 's.odcs.yaml');
  writeFileSync(c, contract(cols));
  const ws = join(dir, 'ws');
  return { dir, ws, res: await cliRun(file, c, ws) };
}

const oneLine = (s: string) => s.trim().split('\n').filter((l) => l.startsWith('airlock:'));

describe('adversarial ingest cases', () => {
  it('an 8 MiB record whose CR is the last byte of a 64 KiB chunk reaches production whole', async () => {
    const M = 8 << 20;
    const data = Buffer.concat([Buffer.from('a\r\n'), Buffer.alloc(65530, 0x66), Buffer.from('\r\n'), Buffer.alloc(M, 0x78), Buffer.from('\r\nlast\r\n')]);
    const { res, ws } = await run(data, ['a']);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 3, successRows: 3, reconciled: true });
    const lengths = await withEngine(ws, async (e) => (await e.duck.conn.runAndReadAll('SELECT length(a) AS n FROM prod.s ORDER BY _airlock_row_id')).getRowObjectsJS().map((r) => Number(r.n)));
    expect(lengths).toEqual([65530, M, 4]);
  }, 180_000);

  it('a header with a broken quote is one clear line, exit 2, never a stack trace or a header read wrong', async () => {
    for (const bad of ['a,b,"c\n1,2,3\n4,5,6\n', 'a;"b;c,d,e\n1;2\n', 'a,b,c"\n1,2,3\n', 'a,"b"x,c\n1,2,3\n']) {
      const { res } = await run(bad);
      expect(res.code, `${JSON.stringify(bad)}: ${describeResult(res)}`).toBe(2);
      expect(oneLine(res.stderr)[0]).toMatch(/in\.csv:1: the header line has/);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('a CSV whose first column is named PAR1 is read as CSV', async () => {
    const { res } = await run('PAR1,b,c\n1,x,y\n', ['PAR1', 'b', 'c']);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 1, successRows: 1 });
  }, 60_000);

  it('a quoted empty field becomes NULL only through the audited missing-value rule', async () => {
    const { res, ws } = await run('a,b,c\n1,"",x\n2,,x\n');
    expect(res.code, describeResult(res)).toBe(0);
    const changed = await withEngine(ws, async (e) => (await e.duck.conn.runAndReadAll(`SELECT row_id, "column", old_value FROM prod.s__changes WHERE rule = 'missing-token-to-null' ORDER BY row_id`)).getRowObjectsJS());
    expect(changed.map((c) => [Number(c.row_id), c.column, c.old_value])).toEqual([[1, 'b', '']]);
  }, 60_000);

  it('one NUL byte in a small file quarantines its record instead of refusing the file', async () => {
    const { res } = await run('a,b,c\n1,x\u0000y,z\n2,p,q\n');
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res)).toMatchObject({ sourceRows: 2, successRows: 1, quarantineRows: 1 });
  }, 60_000);

  it('profile of a folder or a FIFO is one clear line, exit 2, and does not hang', async () => {
    const dir = tempDir('adversarial-profile');
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    for (const p of [folder, fifo]) {
      const r = await runCli(['profile', p], { timeoutMs: 30_000 });
      expect(r.code, describeResult(r)).toBe(2);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 90_000);
});
