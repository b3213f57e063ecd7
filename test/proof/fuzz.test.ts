// Hostile input: a seeded fuzzer mutates valid CSV and Parquet files (byte flips, truncation,
// inserted quotes, separators and line breaks, invalid UTF-8, NUL bytes, huge fields, thousands of
// columns, ragged and duplicated records, damaged headers and Parquet footers) and runs each one
// through the whole pipeline in-process, against a fixed contract. Each case must either be
// refused with a clear message (a UserError: one line, naming the file) or finish reconciled with
// every record accounted for: the records DuckDB read (staged + malformed) are exactly the rows
// in production, history, quarantine, duplicates and (for a held batch) pending, each row id
// 1..N exactly once, malformed records in quarantine with their raw line. Mutations that leave
// every record's shape alone must keep the record count of the valid file. Anything else (another
// exception type, a failed reconciliation, a lost or doubled record) fails the case.
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../main/contract/errors.js';
import { loadContractFile } from '../../main/contract/load.js';
import type { Contract } from '../../main/contract/types.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { openLockedDuckDB, queryRows, queryValue, sqlString } from '../../main/store/duckdb.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { tempDir } from '../helpers/tmp.js';
import { int, mutateCsv, mutateParquet, PARQUET_OPS, PEOPLE_HEADER, peopleRows, seeded, STRUCTURE_OPS, toCsv, VALUE_OPS, type Mutated } from './helpers/mutate.js';

const CSV_CASES = 520;
const PARQUET_CASES = 80;
const PER_WORKSPACE = 20;
const SEED = 20_261_130;

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: fuzz-people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - { name: id, logicalType: integer, primaryKey: true, required: true }
      - { name: name, logicalType: string, required: true }
      - name: email
        logicalType: string
        logicalTypeOptions: { pattern: '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}' }
      - { name: amount, logicalType: number, logicalTypeOptions: { minimum: 0 } }
      - { name: day, logicalType: date, logicalTypeOptions: { format: '%Y-%m-%d' } }
      - { name: status, logicalType: string, enum: [active, inactive, pending] }
    quality:
      - { metric: rowCount, mustBeGreaterThan: 0 }
`;

interface CaseResult {
  id: string;
  ops: string[];
  outcome: 'refused' | 'completed' | 'held' | 'halted' | 'other';
  records: number;
  malformed: number;
  duplicates: number;
  problems: string[];
}

let dir: string;
let contractPath: string;
let contract: Contract;
const results: CaseResult[] = [];

beforeAll(() => {
  dir = tempDir('proof-fuzz');
  contractPath = join(dir, 'people.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  contract = loadContractFile(contractPath);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const count = async (engine: Engine, sql: string) => Number(await queryValue(engine.duck.conn, sql));

/** Every record of the run, where it went. Returns the problems found (none when all is well). */
async function accountFor(engine: Engine, s: RunSummary): Promise<{ problems: string[]; records: number; malformed: number }> {
  const problems: string[] = [];
  const st = streamTables(contract);
  const rt = runTables(s.runId);
  const r = sqlString(s.runId);
  if (!s.reconciled) problems.push(`not reconciled: ${JSON.stringify(s.reconciliation.at(-1))}`);
  if (s.status === 'halted') {
    // Schema drift: nothing is routed, the raw file stays in the vault, every record is pending.
    const prodExists = (await count(engine, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'prod' AND table_name = 'people'")) > 0;
    const inProd = prodExists ? await count(engine, `SELECT count(*) FROM ${st.prod} WHERE _airlock_run_id = ${r}`) : 0;
    if (s.pendingRows !== s.sourceRows || s.successRows + s.quarantineRows + s.duplicateRows !== 0 || inProd !== 0) {
      problems.push(`halted run not all pending: ${JSON.stringify({ ...s, reconciliation: undefined })}`);
    }
    if (!/schema drift/.test(s.message ?? '')) problems.push(`halted without a drift message: ${s.message}`);
    return { problems, records: s.sourceRows, malformed: 0 };
  }
  const hasFast = (await count(engine, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = ${sqlString(rt.fast.split('.')[1].replace(/"/g, ''))}`)) > 0;
  const staged = await count(engine, `SELECT count(*) FROM ${rt.stage}`);
  const malformed = await count(engine, `SELECT count(*) FROM ${rt.malformed}`);
  const n = staged + malformed;
  const [ids] = await queryRows<{ n: number; d: number; lo: number | null; hi: number | null }>(engine.duck.conn, `SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM (
      SELECT _airlock_row_id AS id FROM ${st.prod} WHERE _airlock_run_id = ${r}
      UNION ALL SELECT _airlock_row_id FROM ${st.history} WHERE _airlock_run_id = ${r}
      UNION ALL SELECT _airlock_row_id FROM ${st.quarantine} WHERE _airlock_run_id = ${r}
      UNION ALL SELECT row_id FROM ${st.duplicates} WHERE run_id = ${r}
      ${hasFast ? `UNION ALL SELECT _airlock_row_id FROM ${rt.fast}` : ''})`);
  if (Number(ids.n) !== n || Number(ids.d) !== n || (n > 0 && (Number(ids.lo) !== 1 || Number(ids.hi) !== n))) {
    problems.push(`records read ${n} (staged ${staged} + malformed ${malformed}) but row ids accounted ${JSON.stringify(ids)}`);
  }
  if (s.sourceRows !== n) problems.push(`summary source ${s.sourceRows} != records read ${n}`);
  if (s.successRows + s.quarantineRows + s.duplicateRows + s.pendingRows !== n) problems.push(`summary ${s.successRows} + ${s.quarantineRows} + ${s.duplicateRows} + ${s.pendingRows} != ${n}`);
  const malformedKept = await count(engine, `SELECT count(*) FROM ${st.quarantine} q JOIN ${rt.malformed} m USING (_airlock_row_id)
    WHERE q._airlock_run_id = ${r} AND q._airlock_reasons LIKE '%MALFORMED_RECORD%' AND q._airlock_raw_line IS NOT DISTINCT FROM m.raw_line`);
  if (malformedKept !== malformed) problems.push(`${malformed} malformed records but ${malformedKept} in quarantine with their raw line`);
  return { problems, records: n, malformed };
}

function clearMessage(e: Error, fileName: string): string[] {
  const m = e.message;
  const problems: string[] = [];
  if (m.includes('\n')) problems.push(`message spans lines: ${JSON.stringify(m.slice(0, 300))}`);
  if (!m.includes(fileName)) problems.push(`message does not name the file: ${m.slice(0, 200)}`);
  if (/\bat .*\.(ts|js):\d+/.test(m) || /INTERNAL Error/i.test(m)) problems.push(`message is an internal error: ${m.slice(0, 200)}`);
  return problems;
}

async function runCase(engine: Engine, id: string, m: Mutated, ext: 'csv' | 'parquet', expectedRecords?: number): Promise<CaseResult> {
  const caseDir = join(dir, 'cases');
  mkdirSync(caseDir, { recursive: true });
  const name = `${id}.${ext}`;
  const file = join(caseDir, name);
  writeFileSync(file, m.bytes);
  const res: CaseResult = { id, ops: m.ops, outcome: 'other', records: 0, malformed: 0, duplicates: 0, problems: [] };
  try {
    const s = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
    if (s.idempotent) {
      res.outcome = s.status === 'halted' ? 'halted' : s.status === 'held' ? 'held' : 'completed';
      return res; // the same bytes as an earlier case: already accounted for there
    }
    if (s.status !== 'completed' && s.status !== 'held' && s.status !== 'halted') res.problems.push(`status ${s.status}: ${s.message}`);
    else res.outcome = s.status;
    const acc = await accountFor(engine, s);
    res.problems.push(...acc.problems);
    res.records = acc.records;
    res.malformed = acc.malformed;
    res.duplicates = s.duplicateRows;
    if (expectedRecords !== undefined && s.status !== 'halted' && acc.records !== expectedRecords) {
      res.problems.push(`value-only mutations changed the record count: ${acc.records} records, the file has ${expectedRecords}`);
    }
  } catch (e) {
    if (e instanceof UserError) {
      res.outcome = 'refused';
      res.problems.push(...clearMessage(e, name));
    } else {
      res.problems.push(`unexpected ${(e as Error)?.name}: ${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300)}`);
    }
  } finally {
    rmSync(file, { force: true });
  }
  return res;
}

function report(batch: CaseResult[]): string[] {
  return batch.filter((r) => r.problems.length > 0).map((r) => `${r.id} [${r.ops.join(', ')}]: ${r.problems.join(' | ')}`);
}

/** Cases run in batches, each batch in a fresh workspace (one engine, reused across its cases). */
async function withWorkspace<T>(tag: string, f: (engine: Engine) => Promise<T>): Promise<T> {
  const ws = join(dir, `ws-${tag}`);
  const engine = await openEngine(ws);
  try {
    return await f(engine);
  } finally {
    engine.close();
    rmSync(ws, { recursive: true, force: true });
  }
}

describe('hostile CSV files', () => {
  const batches = Array.from({ length: Math.ceil(CSV_CASES / PER_WORKSPACE) }, (_, b) => b);
  it.each(batches)('batch %i: each case refused clearly or fully accounted for', async (b) => {
    const batch = await withWorkspace(`csv-${b}`, async (engine) => {
      const out: CaseResult[] = [];
      for (let i = b * PER_WORKSPACE; i < Math.min(CSV_CASES, (b + 1) * PER_WORKSPACE); i++) {
        const rnd = seeded(SEED + i);
        const rows = peopleRows(int(rnd, 20, 200), rnd);
        const m = mutateCsv(Buffer.from(toCsv(PEOPLE_HEADER, rows)), rnd);
        out.push(await runCase(engine, `csv-${i}`, m, 'csv', m.valueOnly ? rows.length : undefined));
      }
      return out;
    });
    results.push(...batch);
    expect(report(batch)).toEqual([]);
  }, 600_000);
});

describe('hostile Parquet files', () => {
  const batches = Array.from({ length: Math.ceil(PARQUET_CASES / PER_WORKSPACE) }, (_, b) => b);
  it.each(batches)('batch %i: each case refused clearly or fully accounted for', async (b) => {
    const src = join(dir, `pq-src-${b}`);
    mkdirSync(src, { recursive: true });
    // valid Parquet files, written by a DuckDB locked to this folder
    const writer = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [src], threads: 1 });
    const valid: { bytes: Buffer; rows: number }[] = [];
    try {
      for (let k = 0; k < 4; k++) {
        const rnd = seeded(SEED + 100_000 + b * 10 + k);
        const rows = peopleRows(int(rnd, 20, 200), rnd);
        writeFileSync(join(src, `${k}.csv`), toCsv(PEOPLE_HEADER, rows));
        const typed = k % 2 === 0
          ? 'TRY_CAST(id AS BIGINT) AS id, name, email, TRY_CAST(amount AS DOUBLE) AS amount, TRY_CAST(day AS DATE) AS day, status'
          : '*';
        await writer.conn.run(`COPY (SELECT ${typed} FROM read_csv(${sqlString(join(src, `${k}.csv`))}, all_varchar = true, header = true))
          TO ${sqlString(join(src, `${k}.parquet`))} (FORMAT parquet, ROW_GROUP_SIZE ${int(rnd, 16, 128)})`);
        valid.push({ bytes: readFileSync(join(src, `${k}.parquet`)), rows: rows.length });
      }
    } finally {
      writer.close();
    }
    const batch = await withWorkspace(`pq-${b}`, async (engine) => {
      const out: CaseResult[] = [];
      // the unmutated files first: a positive control that Parquet runs and counts exactly
      for (const [k, v] of valid.entries()) out.push(await runCase(engine, `pq-valid-${b}-${k}`, { bytes: v.bytes, ops: ['none'], valueOnly: true }, 'parquet', v.rows));
      for (let i = b * PER_WORKSPACE; i < Math.min(PARQUET_CASES, (b + 1) * PER_WORKSPACE); i++) {
        const rnd = seeded(SEED + 200_000 + i);
        const m = mutateParquet(valid[int(rnd, 0, valid.length - 1)].bytes, rnd);
        out.push(await runCase(engine, `pq-${i}`, m, 'parquet'));
      }
      return out;
    });
    rmSync(src, { recursive: true, force: true });
    results.push(...batch);
    expect(batch.filter((r) => r.id.startsWith('pq-valid')).map((r) => r.outcome)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(report(batch)).toEqual([]);
  }, 600_000);
});

describe('the fuzzer itself', () => {
  it('ran at least 500 CSV and some Parquet cases, with every mutation and every outcome exercised', () => {
    const csv = results.filter((r) => r.id.startsWith('csv-'));
    const pq = results.filter((r) => r.id.startsWith('pq-') && !r.id.startsWith('pq-valid'));
    expect(csv.length).toBe(CSV_CASES);
    expect(pq.length).toBe(PARQUET_CASES);
    const used = new Set(results.flatMap((r) => r.ops));
    expect([...Object.keys(VALUE_OPS), ...Object.keys(STRUCTURE_OPS), ...Object.keys(PARQUET_OPS)].filter((op) => !used.has(op))).toEqual([]);
    const outcomes = (rs: CaseResult[]) => new Set(rs.map((r) => r.outcome));
    expect([...outcomes(csv)].sort()).toEqual(['completed', 'halted', 'held', 'refused']);
    expect([...outcomes(pq)]).toEqual(expect.arrayContaining(['completed', 'refused']));
    expect(csv.filter((r) => r.malformed > 0).length).toBeGreaterThan(20);
    expect(csv.filter((r) => r.duplicates > 0).length).toBeGreaterThan(5);
    expect(csv.filter((r) => r.outcome === 'completed').length).toBeGreaterThan(CSV_CASES / 3);
  });

  it('positive control: the accounting catches a lost record and a doubled one', async () => {
    await withWorkspace('control', async (engine) => {
      const file = join(dir, 'control.csv');
      const rnd = seeded(SEED);
      writeFileSync(file, toCsv(PEOPLE_HEADER, peopleRows(60, rnd)) + '61,"broken,x@example.com,1,2023-01-01,active\n62,a,b\n');
      const s = await runBatch(engine, { file, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
      expect((await accountFor(engine, s)).problems).toEqual([]);
      const st = streamTables(contract);
      const r = sqlString(s.runId);
      await engine.duck.conn.run(`DELETE FROM ${st.quarantine} WHERE _airlock_run_id = ${r} AND _airlock_row_id = (SELECT max(_airlock_row_id) FROM ${st.quarantine} WHERE _airlock_run_id = ${r})`);
      expect((await accountFor(engine, s)).problems.join(' ')).toMatch(/accounted|malformed/);
      await engine.duck.conn.run(`INSERT INTO ${st.quarantine} SELECT * FROM ${st.quarantine} WHERE _airlock_run_id = ${r} LIMIT 2`);
      expect((await accountFor(engine, s)).problems.join(' ')).toMatch(/accounted/);
    });
  });
});
