// The public hospital table (Raha/Baran benchmark) end to end through the command line, with its
// contract unchanged: run --approve-all --no-model, export, and the public scorer. Issue 2's bar
// (nothing lost, row-level detection recall >= 0.90) and issue 3's (correction precision >= 0.98,
// F1 >= 0.90), plus the shape of the exported files and the bundle.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeResult, runBenchmark, runCli, type BenchmarkRun } from '../helpers/cli.js';
import { expectVaulted, parseCsv, readCsvFile } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

let b: BenchmarkRun;

/** Every cell change of the workspace, oldest first, read from its store (not from the export). */
async function changeLog(workspace: string): Promise<Array<{ row: number; column: string; new: string }>> {
  const db = await DuckDBInstance.create(join(workspace, 'data.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    const tables = (await conn.runAndReadAll(`SELECT schema_name || '."' || table_name || '"' FROM duckdb_tables() WHERE table_name LIKE '%\\_\\_changes' ESCAPE '\\'`)).getRows().map((r) => String(r[0]));
    const out: Array<{ row: number; column: string; new: string }> = [];
    for (const t of tables) {
      for (const r of (await conn.runAndReadAll(`SELECT row_id, "column", new_value FROM ${t} ORDER BY ts, row_id`)).getRows()) out.push({ row: Number(r[0]), column: String(r[1]), new: String(r[2]) });
    }
    return out;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
let contractColumns: string[];

beforeAll(async () => {
  const dir = tempDir('bench-hospital');
  b = await runBenchmark('hospital', join(dir, 'ws'), join(dir, 'out'));
  const yaml = parse(readFileSync(b.contractPath, 'utf8')) as { schema: { properties: { name: string }[] }[] };
  contractColumns = yaml.schema[0].properties.map((p) => p.name);
});

describe('hospital benchmark through the CLI', () => {
  it('runs to completion and reconciles: source = success + quarantine + duplicates', () => {
    const s = b.summary;
    expect(s.status).toBe('completed');
    expect(s.reconciled).toBe(true);
    const dirtyRows = parseCsv(readFileSync(b.dirty, 'utf8')).rows.length;
    expect(s.sourceRows).toBe(dirtyRows);
    expect(s.successRows + s.quarantineRows + s.duplicateRows).toBe(s.sourceRows);
    expectVaulted(b.workspace, b.dirty);
  });

  it('clean.csv has the contract columns in contract order, then _airlock_row_id (the source ordinal)', () => {
    const clean = readCsvFile(join(b.outDir, 'clean.csv'));
    expect(clean.header).toEqual([...contractColumns, '_airlock_row_id']);
    expect(clean.rows.length).toBe(b.summary.successRows);
    // The ordinal points at the same record of the dirty file: its key column agrees.
    const dirty = parseCsv(readFileSync(b.dirty, 'utf8')).rows;
    for (const r of clean.records) expect(r.index).toBe(dirty[Number(r._airlock_row_id) - 1][0]);
  });

  it('quarantine.csv holds each row\'s current values, the reasons that remain, and where its arrival bytes are in the vault', async () => {
    const q = readCsvFile(join(b.outDir, 'quarantine.csv'));
    const vaulted = readFileSync(b.dirty);
    const dirtyLines = vaulted.toString('utf8').split(/\r?\n/);
    // The last value each cell was changed to, from the change audit the export carries.
    const changes = new Map<string, string>();
    for (const c of await changeLog(b.workspace)) changes.set(`${c.row}\u001f${c.column}`, c.new);
    let stillChanged = 0;
    expect(q.header.slice(0, contractColumns.length + 2)).toEqual([...contractColumns, '_airlock_row_id', '_airlock_reasons']);
    expect(q.rows.length).toBe(b.summary.quarantineRows);
    const dirty = parseCsv(readFileSync(b.dirty, 'utf8')).rows;
    for (const r of q.records) {
      const reasons = r._airlock_reasons.split(';');
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons) {
        const [column, code] = reason.split(':');
        expect([...contractColumns, 'record']).toContain(column);
        expect(code).toMatch(/^[A-Z_]+$/);
      }
      // The values as they now stand: the dirty file's, except cells an applied rule changed.
      const arrived = dirty[Number(r._airlock_row_id) - 1];
      const changed = contractColumns.filter((c, j) => r[c] !== arrived[j]);
      for (const c of changed) expect(changes.get(`${r._airlock_row_id}\u001f${c}`), `row ${r._airlock_row_id} ${c}`).toBe(r[c]);
      // The arrival bytes, untouched, at the row's line and span of the vaulted file.
      const bytes = vaulted.subarray(Number(r._airlock_raw_offset), Number(r._airlock_raw_offset) + Number(r._airlock_raw_length)).toString('utf8');
      expect(parseCsv(`${bytes}\n`).header).toEqual(arrived);
      expect(dirtyLines[Number(r._airlock_raw_lineno) - 1]).toBe(bytes);
      stillChanged += changed.length;
    }
    // Fixes reach rows that cannot leave quarantine yet (another of their cells still fails).
    expect(stillChanged).toBeGreaterThan(0);
  });

  it('the scorer: no row lost, no column missing, row-level detection recall >= 0.90', () => {
    expect(b.score.code, b.score.raw).toBe(0);
    expect(b.score.report.rowsLost).toBe(0);
    expect(b.score.report.missingColumns).toEqual([]);
    expect(b.score.report.rowDetection.recall, b.score.summaryLine).toBeGreaterThanOrEqual(0.9);
  });

  it('the scorer: correction precision >= 0.98 and F1 >= 0.90 (issue 3)', () => {
    expect(b.score.report.correction.precision, b.score.summaryLine).toBeGreaterThanOrEqual(0.98);
    expect(b.score.report.correction.f1, b.score.summaryLine).toBeGreaterThanOrEqual(0.9);
  });

  it('a misspelt measure_code that still matches its pattern is repaired to its code (issue 10), and no code is repaired wrong', () => {
    // The determinant of measure_code -> measure_name, condition: a typo there forms a group of
    // its own, so only its dependents (exactly another code's) give it away.
    const dirty = parseCsv(readFileSync(b.dirty, 'utf8'));
    const truth = parseCsv(readFileSync(join(dirname(b.dirty), 'clean.csv'), 'utf8'));
    const at = dirty.header.indexOf('measure_code');
    const pattern = /^[a-z]+-[a-z0-9]+(-[a-z0-9]+)?$/; // the contract's pattern for measure_code
    const out = new Map<string, string>();
    for (const f of ['clean.csv', 'quarantine.csv']) for (const r of readCsvFile(join(b.outDir, f)).records) out.set(r.index, r.measure_code);
    const typos = dirty.rows.map((r, i) => ({ key: r[0], dirty: r[at], truth: truth.rows[i][at] })).filter((c) => c.dirty !== c.truth && pattern.test(c.dirty));
    const repaired = typos.filter((c) => out.get(c.key) === c.truth);
    const wrong = dirty.rows.map((r, i) => ({ key: r[0], dirty: r[at], truth: truth.rows[i][at] })).filter((c) => out.get(c.key) !== c.dirty && out.get(c.key) !== c.truth);
    expect(typos.length).toBeGreaterThan(10);
    expect(repaired.length, JSON.stringify(typos.filter((c) => !repaired.includes(c)))).toBeGreaterThanOrEqual(Math.ceil(0.9 * typos.length));
    expect(wrong).toEqual([]);
    expect(b.score.report.correction.precision, b.score.summaryLine).toBe(1);
  });

  it('the exported bundle verifies', async () => {
    const res = await runCli(['verify', join(b.outDir, 'bundle')]);
    expect(res.code, describeResult(res)).toBe(0);
  });
});
