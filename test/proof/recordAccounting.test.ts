// The parser accounting, proved from outside: thousands of generated CSV files with stray quotes,
// unbalanced quotes, bare CRs, mixed line endings, NULs, invalid UTF-8, huge fields, ragged and
// blank rows, duplicates and truncation at random positions, each run through the whole pipeline.
// For every file:
//   1. the independent source count (the record scan, ledger.source_counts) equals the rows this
//      test counts itself in production + history + quarantine + duplicates for the run;
//   2. every quarantined record's bytes in the vault (offset, length) are the record's own bytes:
//      they match its raw line, and lie inside the vaulted file;
//   3. nothing is lost: every record the generator wrote (each carries a unique marker) is found
//      in a production row, a quarantined row or the vault bytes of a quarantined record;
//   4. nothing is changed: a record the generator left unmutated is in production with exactly
//      the values it was written with.
// The scan's limits are small here so that "huge" fields cost kilobytes; one case uses the real
// defaults with a record over 8 MiB.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../main/contract/errors.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { queryRows, queryValue, sqlString } from '../../main/store/duckdb.js';
import type { ScanLimits } from '../../main/ingest/recordScanner.js';
import { tempDir } from '../helpers/tmp.js';
import { seeded as seededRng } from '../helpers/seeded.js';

/** The shared seeded generator (test/helpers/seeded.ts), as a plain function of no arguments. */
const seeded = (seed: number): (() => number) => seededRng(seed).next;

const FILES = 2000;
const PER_WORKSPACE = 100;
const SEED = 20_261_201;
const LIMITS: Partial<ScanLimits> = { maxRecordBytes: 4096, maxQuotedLineBreaks: 6, maxQuotedSpanBytes: 2048, maxCapturedBytes: 4096 };

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: acct
name: acct
version: 1.0.0
schema:
  - name: acct
    properties:
      - { name: id, logicalType: string }
      - { name: a, logicalType: string }
      - { name: b, logicalType: string }
      - { name: c, logicalType: string }
`;

interface Generated {
  bytes: Buffer;
  /** marker -> the values the record was written with, and whether a mutation touched it */
  records: { marker: string; values: string[]; mutated: boolean; end: number }[];
  ops: string[];
}

const PLAIN = 'abcdefghijklmnopqrstuvwxyz0123456789 _-.é€';

function generate(fileNo: number): Generated {
  const rnd = seeded(SEED + fileNo);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const delim = pick([',', ';', '\t', '|'] as const);
  const eol = pick(['\n', '\n', '\r\n', '\r\n', '\r'] as const);
  const n = rnd() < 0.1 ? int(200, 600) : int(1, 40);
  const word = () => Array.from({ length: int(0, 12) }, () => pick([...PLAIN])).join('');
  // Values that need quoting: the delimiter, a quote, a line break inside the value.
  const fancy = () => pick([`${word()}${delim}${word()}`, `say "${word()}"`, `${word()}\n${word()}`, `${word()}\r\n${word()}`, word()]);
  const quote = (v: string) => (/[",;\t|\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v);
  const ops: string[] = [];
  const lines: { text: string; marker: string; values: string[]; mutated: boolean; eol: string }[] = [];
  for (let k = 1; k <= n; k++) {
    const marker = `f${fileNo}r${k}x`;
    const values = [marker, rnd() < 0.3 ? fancy() : word(), rnd() < 0.2 ? fancy() : word(), word()];
    lines.push({ text: values.map(quote).join(delim), marker, values, mutated: false, eol });
  }
  // An exact duplicate of a record, now and then.
  if (n > 2 && rnd() < 0.15) {
    const k = int(0, lines.length - 1);
    lines.splice(int(0, lines.length), 0, { ...lines[k], mutated: true });
    lines[k].mutated = true;
    ops.push('duplicate');
  }
  const mutations = int(0, 4);
  for (let m = 0; m < mutations; m++) {
    const line = pick(lines);
    const op = pick(['stray-quote', 'open-quote', 'bare-cr', 'mixed-eol', 'nul', 'huge', 'ragged-short', 'ragged-long', 'blank', 'not-utf8', 'late-quote'] as const);
    ops.push(op);
    line.mutated = true;
    // Mutations go after the first field, so that the marker stays whole.
    const cut = line.text.indexOf(delim) + 1 || line.text.length;
    const at = cut + Math.floor(rnd() * Math.max(1, line.text.length - cut));
    const ins = (s: string) => { line.text = line.text.slice(0, at) + s + line.text.slice(at); };
    switch (op) {
      case 'stray-quote': ins('x"y'); break;
      case 'open-quote': line.text = line.text.slice(0, cut) + '"' + line.text.slice(cut); break;
      case 'late-quote': line.text += `${delim}"${word()}`; break;
      case 'bare-cr': ins('\r'); break;
      case 'mixed-eol': line.eol = pick(['\n', '\r\n', '\r']); break;
      case 'nul': ins('\u0000'); break;
      case 'huge': ins('h'.repeat(int(3000, 9000))); break;
      case 'ragged-short': line.text = line.text.slice(0, line.text.lastIndexOf(delim) > cut ? line.text.lastIndexOf(delim) : line.text.length); break;
      case 'ragged-long': line.text += `${delim}${word()}`; break;
      case 'blank': line.eol += eol; break;
      case 'not-utf8': ins('\u00ff\u00fe'); break; // written as latin1 bytes below: invalid UTF-8
    }
  }
  const header = ['id', 'a', 'b', 'c'].join(delim);
  const bom = rnd() < 0.1 ? '\ufeff' : '';
  const parts: Buffer[] = [Buffer.from(bom + header + eol, 'utf8')];
  const records: Generated['records'] = [];
  let size = parts[0].length;
  for (const l of lines) {
    // not-utf8 bytes are the two characters \u00ff\u00fe written as single latin1 bytes
    const body = l.text.includes('\u00ff\u00fe')
      ? Buffer.concat(l.text.split('\u00ff\u00fe').flatMap((p, i) => (i ? [Buffer.from([0xff, 0xfe]), Buffer.from(p, 'utf8')] : [Buffer.from(p, 'utf8')])))
      : Buffer.from(l.text, 'utf8');
    const b = Buffer.concat([body, Buffer.from(l.eol)]);
    parts.push(b);
    size += b.length;
    records.push({ marker: l.marker, values: l.values, mutated: l.mutated, end: size });
  }
  let bytes = Buffer.concat(parts);
  if (rnd() < 0.1) {
    bytes = bytes.subarray(0, int(parts[0].length, bytes.length));
    ops.push('truncated');
  } else if (rnd() < 0.2) {
    bytes = bytes.subarray(0, bytes.length - Buffer.from(eol).length);
    ops.push('no-final-eol');
  }
  // A record cut by truncation is not expected whole anywhere.
  for (const r of records) if (r.end > bytes.length) r.mutated = true;
  return { bytes, records, ops };
}

let dir: string;
let contractPath: string;

beforeAll(() => {
  dir = tempDir('proof-accounting');
  contractPath = join(dir, 'acct.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function checkFile(engine: Engine, fileNo: number, limits: Partial<ScanLimits> = LIMITS, given?: Generated): Promise<string[]> {
  const g = given ?? generate(fileNo);
  const file = join(dir, `f${fileNo}.csv`);
  writeFileSync(file, g.bytes);
  const problems: string[] = [];
  const tag = `file ${fileNo} [${g.ops.join(',')}]`;
  try {
    const s = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null }, scanLimits: limits });
    if (s.idempotent) return [];
    const conn = engine.duck.conn;
    const r = sqlString(s.runId);
    const num = async (sql: string) => Number(await queryValue(conn, sql));
    const source = await num(`SELECT source_records FROM ledger.source_counts WHERE run_id = ${r}`);
    const prod = await num(`SELECT count(*) FROM prod.acct WHERE _airlock_run_id = ${r}`);
    const hist = await num(`SELECT count(*) FROM prod.acct__history WHERE _airlock_run_id = ${r}`);
    const quar = await num(`SELECT count(*) FROM quarantine.acct WHERE _airlock_run_id = ${r}`);
    const dups = await num(`SELECT count(*) FROM quarantine.acct__duplicates WHERE run_id = ${r}`);
    if (s.status !== 'completed') problems.push(`${tag}: status ${s.status} ${s.message ?? ''}`);
    if (source !== prod + hist + quar + dups) problems.push(`${tag}: source ${source} != prod ${prod} + history ${hist} + quarantine ${quar} + duplicates ${dups}`);
    if (s.sourceRows !== source || !s.reconciled) problems.push(`${tag}: summary source ${s.sourceRows} (reconciled ${s.reconciled}) vs scan ${source}`);
    // 2. quarantined records' bytes are theirs
    const vault = readFileSync(String(await queryValue(conn, `SELECT '${engine.ws.vault}/' || ${sqlString(s.input.sha256)} || '.csv'`)));
    if (!vault.equals(g.bytes)) problems.push(`${tag}: the vault copy differs from the file`);
    const bad = await queryRows<{ raw: string | null; off: number | null; len: number | null; id: number }>(conn,
      `SELECT _airlock_raw_line AS raw, _airlock_raw_offset AS off, _airlock_raw_length AS len, _airlock_row_id AS id FROM quarantine.acct WHERE _airlock_run_id = ${r} AND _airlock_reasons LIKE '%MALFORMED_RECORD%'`);
    const found: string[] = [];
    for (const q of bad) {
      if (q.off === null || q.len === null || q.off < 0 || q.off + q.len > vault.length) {
        problems.push(`${tag}: malformed record ${q.id} has no place in the vault (${q.off}+${q.len})`);
        continue;
      }
      const bytes = vault.subarray(q.off, q.off + q.len);
      found.push(bytes.toString('latin1'));
      if (q.raw !== null && !q.raw.startsWith('vault:') && q.raw !== bytes.toString('utf8')) {
        problems.push(`${tag}: record ${q.id}: raw line ${JSON.stringify(q.raw.slice(0, 60))} is not its vault bytes ${JSON.stringify(bytes.toString('utf8').slice(0, 60))}`);
      }
      if (q.raw !== null && q.raw.startsWith('vault:') && !q.raw.endsWith(`@${q.off}+${q.len}`)) problems.push(`${tag}: record ${q.id}: reference ${q.raw} is not ${q.off}+${q.len}`);
    }
    // 3. nothing lost, 4. nothing changed
    const rows = await queryRows<{ id: string | null; a: string | null; b: string | null; c: string | null }>(conn,
      `SELECT id, a, b, c FROM prod.acct WHERE _airlock_run_id = ${r} UNION ALL SELECT id, a, b, c FROM quarantine.acct WHERE _airlock_run_id = ${r}`);
    const prodRows = await queryRows<{ id: string; a: string | null; b: string | null; c: string | null }>(conn, `SELECT id, a, b, c FROM prod.acct WHERE _airlock_run_id = ${r}`);
    const text = [...rows.map((x) => [x.id, x.a, x.b, x.c].join('\u0001')), ...found].join('\u0002');
    const byMarker = new Map(prodRows.map((x) => [x.id, x]));
    for (const rec of g.records) {
      if (!rec.mutated && !text.includes(rec.marker)) problems.push(`${tag}: record ${rec.marker} is in no output`);
      if (rec.mutated) continue;
      const row = byMarker.get(rec.marker);
      if (!row) continue; // swallowed into a neighbour's quoted value, or quarantined with it: found above
      const got = [row.id, row.a ?? '', row.b ?? '', row.c ?? ''];
      // A blank (white space only) value of an optional column is no value: the documented,
      // audited missing-value rule makes it NULL.
      const want = rec.values.map((v) => (v.replace(/^ +| +$/g, '') === '' ? '' : v)); // DuckDB's trim: spaces only
      if (got.join('\u0001') !== want.join('\u0001')) problems.push(`${tag}: record ${rec.marker} changed: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
  } catch (e) {
    if (!(e instanceof UserError)) problems.push(`${tag}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
    else if (!/^[^\n]+$/.test(e.message)) problems.push(`${tag}: refused with a message over several lines`);
  } finally {
    rmSync(file, { force: true });
  }
  return problems;
}

describe('every record is accounted for by a count the parser did not make', () => {
  const batches = Array.from({ length: FILES / PER_WORKSPACE }, (_, b) => b);
  it.each(batches)('files %i00..: source = success + quarantine + duplicates, bytes kept, nothing lost or changed', async (b) => {
    const ws = join(dir, `ws-${b}`);
    const engine = await openEngine(ws);
    const problems: string[] = [];
    try {
      for (let i = b * PER_WORKSPACE; i < (b + 1) * PER_WORKSPACE; i++) problems.push(...await checkFile(engine, i));
    } finally {
      engine.close();
      rmSync(ws, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  }, 900_000);

  it('a record over the real 8 MiB limit, and one of 9 MB inside quotes: quarantined by reference, the rest promoted', async () => {
    const ws = join(dir, 'ws-big');
    const engine = await openEngine(ws);
    try {
      const big = Buffer.concat([Buffer.from('id,a,b,c\nfbigr1x,ok,ok,ok\nfbigr2x,'), Buffer.alloc(9 << 20, 0x78), Buffer.from(',y,z\nfbigr3x,"'), Buffer.alloc(9 << 20, 0x79), Buffer.from('",y,z\nfbigr4x,ok,ok,ok\n')]);
      const g: Generated = { bytes: big, ops: ['huge-real'], records: [
        { marker: 'fbigr1x', values: ['fbigr1x', 'ok', 'ok', 'ok'], mutated: false, end: 0 },
        { marker: 'fbigr2x', values: [], mutated: true, end: 0 },
        { marker: 'fbigr3x', values: [], mutated: true, end: 0 },
        { marker: 'fbigr4x', values: ['fbigr4x', 'ok', 'ok', 'ok'], mutated: false, end: 0 },
      ] };
      expect(await checkFile(engine, -1, {}, g)).toEqual([]);
      const q = await queryRows<{ raw: string; len: number }>(engine.duck.conn, `SELECT _airlock_raw_line AS raw, _airlock_raw_length AS len FROM quarantine.acct ORDER BY _airlock_row_id`);
      expect(q.map((x) => Number(x.len))).toEqual([(9 << 20) + 12, (9 << 20) + 14]);
      expect(q.every((x) => x.raw.startsWith('vault:'))).toBe(true);
    } finally {
      engine.close();
      rmSync(ws, { recursive: true, force: true });
    }
  }, 300_000);
});
