// Export of a run holds exactly that run's rows as they were after it, typed: seeded tables with
// integer, number, boolean, date and offset-carrying timestamp columns, delivered twice with
// overlapping keys (the second run supersedes some rows of the first). Every export is compared
// with what the generator wrote, computed here in JavaScript, not by the code under test:
// - CSV: dates ISO, timestamps the same instant in UTC with `Z` at one precision per column;
// - Parquet: the contract's types in parquet_schema(), and the same values read back;
// - the signed counts equal the rows in the files, and verify passes;
// and a held batch older than a run that promoted the same keys cannot be released over it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { releaseRun } from '../../main/pipeline/release.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { UserError } from '../../main/contract/errors.js';
import { openLockedDuckDB, queryRows, sqlString } from '../../main/store/duckdb.js';
import { csvText, readCsvFile, writeInput } from '../helpers/fixtures.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const contract = (gate = '') => `apiVersion: v3.1.0
kind: DataContract
id: typed
name: typed
version: 1.0.0
schema:
  - name: typed
${gate}    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: number}
      - {name: flag, logicalType: boolean}
      - {name: day, logicalType: date}
      - {name: at, logicalType: timestamp}
      - {name: label, logicalType: string}
`;

interface Row {
  id: number;
  amount: string;
  flag: boolean;
  day: string;
  /** the instant, in ms since the epoch */
  atMs: number;
  /** as written in the file, with an offset */
  atText: string;
  label: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function genRow(rng: Rng, id: number, withMs: boolean): Row {
  const atMs = Date.UTC(rng.int(1990, 2035), rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59), rng.int(0, 59)) + (withMs ? rng.int(0, 999) : 0);
  const offsetMin = rng.pick([0, 60, 120, -300, 330, -570, 765, -60]);
  const local = new Date(atMs + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const zone = offsetMin === 0 && rng.chance(0.5) ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const ms = local.getUTCMilliseconds();
  const atText = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}${rng.pick(['T', ' '])}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${withMs && ms ? `.${pad(ms, 3)}` : ''}${zone}`;
  const amount = `${rng.chance(0.3) ? '-' : ''}${rng.int(0, 999999)}.${pad(rng.int(0, 99))}`;
  const day = `${rng.int(1900, 2100)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
  return { id, amount, flag: rng.chance(0.5), day, atMs, atText, label: `v${rng.int(0, 1e6)}` };
}

const toCsv = (rows: Row[]) => csvText(['id', 'amount', 'flag', 'day', 'at', 'label'], rows.map((r) => [String(r.id), r.amount, String(r.flag), r.day, r.atText, r.label]));

function isoUtc(ms: number, withMs: boolean): string {
  const iso = new Date(ms).toISOString();
  return withMs ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

async function run(engine: Engine, file: string, contractPath: string) {
  return runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
}

async function exportTo(engine: Engine, runId: string, out: string, format: 'csv' | 'parquet') {
  return exportRun(engine, { runId, outDir: out, format });
}

function expectCsvMatches(path: string, expected: Row[]): void {
  const { records } = readCsvFile(path);
  const byId = new Map(records.map((r) => [Number(r.id), r]));
  expect(records.length).toBe(expected.length);
  const anyMs = expected.some((r) => r.atMs % 1000 !== 0);
  for (const want of expected) {
    const got = byId.get(want.id);
    expect(got, `row ${want.id}`).toBeDefined();
    expect(got!.at).toBe(isoUtc(want.atMs, anyMs));
    expect(got!.day).toBe(want.day);
    expect(Number(got!.amount)).toBe(Number(want.amount));
    expect(got!.amount).not.toMatch(/e/i);
    expect(got!.flag).toBe(String(want.flag));
    expect(got!.label).toBe(want.label);
  }
  // One precision per column: every timestamp has the same shape.
  const shapes = new Set(records.map((r) => r.at.replace(/\d/g, '9')));
  expect(shapes.size).toBe(1);
}

describe('export of a run, after a later run superseded some of its rows', () => {
  for (const seed of [11, 22, 33, 44, 55]) {
    it(`seed ${seed}: CSV and Parquet hold exactly the run's rows, typed, as the generator wrote them`, async () => {
      const rng = seeded(seed);
      const dir = tempDir(`asof-${seed}`);
      const ws = join(dir, 'ws');
      const c = writeInput(dir, 'typed.odcs.yaml', contract());
      const withMs = rng.chance(0.5);
      const n = rng.int(20, 80);
      const first = Array.from({ length: n }, (_, i) => genRow(rng, i + 1, withMs));
      // The second delivery changes a random subset of the keys and adds new ones.
      const changed = first.filter(() => rng.chance(0.4)).map((r) => genRow(rng, r.id, withMs));
      const added = Array.from({ length: rng.int(1, 20) }, (_, i) => genRow(rng, n + i + 1, withMs));
      const second = [...changed, ...added];
      const outs = ['a-csv', 'a-parquet', 'b-csv'].map((o) => join(dir, o));
      const engine = await openEngine(ws, outs.flatMap((o) => [o, stagingDirFor(o)]));
      try {
        const a = await run(engine, writeInput(dir, 'a.csv', toCsv(first)), c);
        const b = await run(engine, writeInput(dir, 'b.csv', toCsv(second)), c);
        expect([a.status, b.status]).toEqual(['completed', 'completed']);
        expect(a.successRows).toBe(first.length);
        expect(b.successRows).toBe(second.length);

        const ea = await exportTo(engine, a.runId, outs[0], 'csv');
        expectCsvMatches(join(outs[0], 'clean.csv'), first);
        expect(ea.files[0].rows).toBe(first.length);
        const eb = await exportTo(engine, b.runId, outs[2], 'csv');
        expectCsvMatches(join(outs[2], 'clean.csv'), second);
        expect(eb.files[0].rows).toBe(second.length);
        for (const out of [outs[0], outs[2]]) expect((await verifyBundle(out)).ok).toBe(true);
        const signed = JSON.parse(readFileSync(join(outs[0], 'bundle', 'outputs.json'), 'utf8')) as { files: Array<{ name: string; rows: number }> };
        expect(signed.files.find((f) => f.name === 'clean.csv')?.rows).toBe(first.length);

        await exportTo(engine, a.runId, outs[1], 'parquet');
      } finally {
        engine.close();
      }
      const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [outs[1]] });
      try {
        const file = sqlString(join(outs[1], 'clean.parquet'));
        const schema = await queryRows<{ name: string; type: string; logical_type: string | null; converted_type: string | null }>(db.conn, `SELECT name, type, logical_type, converted_type FROM parquet_schema(${file}) WHERE name <> 'duckdb_schema'`);
        const col = (name: string) => schema.find((s) => s.name === name)!;
        expect(col('id')).toMatchObject({ type: 'INT64' });
        expect(['DOUBLE', 'INT64', 'FIXED_LEN_BYTE_ARRAY', 'INT32']).toContain(col('amount').type);
        expect(col('flag')).toMatchObject({ type: 'BOOLEAN' });
        expect(col('day')).toMatchObject({ type: 'INT32', converted_type: 'DATE' });
        expect(col('at').logical_type).toMatch(/TimestampType\(isAdjustedToUTC=1/);
        expect(col('label')).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
        const rows = await queryRows<{ id: number; ms: number; day: string; flag: boolean; amount: number }>(db.conn,
          `SELECT id, epoch_ms("at") AS ms, CAST("day" AS VARCHAR) AS "day", flag, CAST(amount AS DOUBLE) AS amount FROM read_parquet(${file}) ORDER BY id`);
        expect(rows.length).toBe(first.length);
        for (const [i, want] of [...first].sort((x, y) => x.id - y.id).entries()) {
          expect(rows[i]).toEqual({ id: want.id, ms: want.atMs, day: want.day, flag: want.flag, amount: Number(want.amount) });
        }
      } finally {
        db.close();
      }
    });
  }
});

describe('releasing an old held batch', () => {
  it('is refused when a later run already promoted rows with its keys, and those rows stay', async () => {
    const rng = seeded(7);
    const dir = tempDir('release-old');
    const ws = join(dir, 'ws');
    const gated = writeInput(dir, 'gated.odcs.yaml', contract('    quality:\n      - {metric: rowCount, mustBeLessThan: 3}\n'));
    const plain = writeInput(dir, 'plain.odcs.yaml', contract());
    const old = Array.from({ length: 10 }, (_, i) => genRow(rng, i + 1, false));
    const newer = old.filter((_, i) => i % 3 === 0).map((r) => genRow(rng, r.id, false));
    const engine = await openEngine(ws);
    try {
      const held = await run(engine, writeInput(dir, 'old.csv', toCsv(old)), gated);
      expect(held.status).toBe('held');
      const later = await run(engine, writeInput(dir, 'new.csv', toCsv(newer)), plain);
      expect(later.status).toBe('completed');
      await expect(releaseRun(engine, held.runId, 'test')).rejects.toThrow(UserError);
      await expect(releaseRun(engine, held.runId, 'test')).rejects.toThrow(/later run .* already promoted/);
      const prod = await queryRows<{ id: number; label: string; run: string }>(engine.duck.conn, 'SELECT id, label, _airlock_run_id AS run FROM prod.typed ORDER BY id');
      expect(prod).toEqual([...newer].sort((x, y) => x.id - y.id).map((r) => ({ id: r.id, label: r.label, run: later.runId })));
    } finally {
      engine.close();
    }
  });
});
