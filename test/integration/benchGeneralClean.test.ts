// The generalisation harness's generated base tables satisfy their own contracts when clean: a
// small clean slice through the real CLI quarantines nothing and exports every cell unchanged
// (compared as the public scorer compares). A contract that rejected its own clean table would
// make every harness figure for that table meaningless.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable, writeTable } from '../../bench/general/csv.js';
import { scoreKinds } from '../../bench/general/score.js';
import { BASE_TABLES } from '../../bench/general/tables/index.js';
import { describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const cases = ['customers', 'flights'].flatMap((name) => Object.entries(BASE_TABLES[name].contracts).map(([label, contract]) => ({ name, label, contract })));

describe('generated base tables against their contracts', () => {
  it.each(cases)('$name [$label]: clean rows all pass and export unchanged', async ({ name, contract }) => {
    const dir = tempDir(`bench-general-${name}`);
    const full = BASE_TABLES[name].load();
    const clean = { header: full.header, rows: full.rows.slice(0, 200) };
    const csv = join(dir, 'clean.csv');
    writeTable(csv, clean);
    const run = await runCli(['run', csv, '--contract', contract, '--workspace', join(dir, 'ws'), '--approve-all', '--no-model', '--no-embedder', '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const s = summaryOf(run);
    expect(s.quarantineRows).toBe(0);
    expect(s.successRows).toBe(clean.rows.length);
    const exported = await runCli(['export', '--workspace', join(dir, 'ws'), '--out', join(dir, 'out')]);
    expect(exported.code, describeResult(exported)).toBe(0);
    const { kinds } = scoreKinds(clean, [], readTable(join(dir, 'out', 'clean.csv')), readTable(join(dir, 'out', 'quarantine.csv')));
    expect(kinds['clean-cell']).toBeUndefined();
  }, 60_000);
});
