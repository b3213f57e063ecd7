// The public beers table (Raha/Baran benchmark) end to end through the command line, with its
// contract unchanged: run --approve-all --no-model, export, and the public scorer. Nothing lost,
// issue 3's bar (correction precision >= 0.98, F1 >= 0.90), and the shape of the exported files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark, type BenchmarkRun } from '../helpers/cli.js';
import { expectVaulted, parseCsv, readCsvFile } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

let b: BenchmarkRun;
let contractColumns: string[];

beforeAll(async () => {
  const dir = tempDir('bench-beers');
  b = await runBenchmark('beers', join(dir, 'ws'), join(dir, 'out'));
  const yaml = parse(readFileSync(b.contractPath, 'utf8')) as { schema: { properties: { name: string }[] }[] };
  contractColumns = yaml.schema[0].properties.map((p) => p.name);
});

describe('beers benchmark through the CLI', () => {
  it('runs to completion and reconciles: source = success + quarantine + duplicates', () => {
    const s = b.summary;
    expect(s.status).toBe('completed');
    expect(s.reconciled).toBe(true);
    expect(s.sourceRows).toBe(parseCsv(readFileSync(b.dirty, 'utf8')).rows.length);
    expect(s.successRows + s.quarantineRows + s.duplicateRows).toBe(s.sourceRows);
    expectVaulted(b.workspace, b.dirty);
  });

  it('exports clean.csv (contract columns in order + _airlock_row_id) and quarantine.csv with column:REASON codes', () => {
    const clean = readCsvFile(join(b.outDir, 'clean.csv'));
    expect(clean.header).toEqual([...contractColumns, '_airlock_row_id']);
    expect(clean.rows.length).toBe(b.summary.successRows);
    const q = readCsvFile(join(b.outDir, 'quarantine.csv'));
    expect(q.header.slice(0, contractColumns.length + 2)).toEqual([...contractColumns, '_airlock_row_id', '_airlock_reasons']);
    expect(q.rows.length).toBe(b.summary.quarantineRows);
    for (const r of q.records) {
      for (const reason of r._airlock_reasons.split(';')) expect(reason).toMatch(new RegExp(`^(${[...contractColumns, 'record'].join('|')}):[A-Z_]+$`));
    }
  });

  it('the scorer: no row lost, no column missing', () => {
    expect(b.score.code, b.score.raw).toBe(0);
    expect(b.score.report.rowsLost).toBe(0);
    expect(b.score.report.missingColumns).toEqual([]);
  });

  it('the scorer: correction precision >= 0.98 and F1 >= 0.90 (issue 3)', () => {
    expect(b.score.report.correction.precision, b.score.summaryLine).toBeGreaterThanOrEqual(0.98);
    expect(b.score.report.correction.f1, b.score.summaryLine).toBeGreaterThanOrEqual(0.9);
  });
});
