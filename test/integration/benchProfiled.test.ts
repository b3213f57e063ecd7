// The profiled half of bench:quality (bench/general/profiled.ts): a small harness table made dirty
// at a low rate, profiled by `airlock profile` and run with that contract unedited, beside its
// hand-written contract, through the same runCli and public scorer. No row may be lost under
// either contract, the proposed contract stays in the run's folder, and the comparison report
// carries both halves.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessTable, kindRecallTable, type HarnessRun } from '../../bench/general/compare.js';
import { readTable, writeTable } from '../../bench/general/csv.js';
import { inject, writeInjected } from '../../bench/general/inject.js';
import { PROFILED, runProfiled } from '../../bench/general/profiled.js';
import { runCli, runScorer, type CliOutcome } from '../../bench/general/run.js';
import { scoreKinds } from '../../bench/general/score.js';
import { BASE_TABLES } from '../../bench/general/tables/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('bench:quality, profiled contract', () => {
  it('customers at 3%: hand-written and profiled runs both keep every row, and the report shows both', async () => {
    const dir = tempDir('bench-profiled');
    const base = BASE_TABLES.customers;
    const full = base.load();
    const clean = { header: full.header, rows: full.rows.slice(0, 300) };
    const injected = inject(clean, base.roles, { rate: 0.03, seed: 11 });
    const { dirty } = writeInjected(dir, injected);
    const truth = join(dir, 'truth.csv');
    writeTable(truth, clean);

    const score = async (label: string, cli: CliOutcome): Promise<HarnessRun> => {
      expect(cli.ok, cli.error).toBe(true);
      const s = await runScorer({ dirty, truth, out: cli.cleanCsv, quarantine: cli.quarantineCsv, name: label });
      expect(s.code, s.line).toBe(0);
      expect(s.report.rowsLost).toBe(0);
      expect(s.report.missingColumns).toEqual([]);
      const { kinds } = scoreKinds(clean, injected.log, readTable(cli.cleanCsv), readTable(cli.quarantineCsv));
      return { table: 'customers', contract: label, rate: 0.03, scorer: s.report, kinds };
    };
    const hand = await score('contract', await runCli(dirty, base.contracts.contract, join(dir, 'contract')));
    const p = await runProfiled(dirty, join(dir, PROFILED));
    expect(existsSync(p.contract)).toBe(true);
    expect(readFileSync(p.contract, 'utf8')).toMatch(/Proposed by `airlock profile`/);
    const profiled = await score(PROFILED, p);

    const table = harnessTable([hand, profiled], ['customers'], [0.03], () => 'contract', PROFILED).split('\n');
    expect(table[1]).toMatch(/F1 hand\s+F1 profiled\s+ratio/);
    const line = table[3].split(/\s+/);
    expect(line.slice(0, 3)).toEqual(['customers', '3%', 'contract']);
    expect(line[3]).toBe(hand.scorer?.correction.f1.toFixed(3));
    expect(line[4]).toBe(profiled.scorer?.correction.f1.toFixed(3));
    expect(kindRecallTable('t', hand.kinds, profiled.kinds ?? {})).toMatch(/R hand\s+R profiled/);
  }, 120_000);
});
