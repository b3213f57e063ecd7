import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { patternTypo } from '../../main/remediate/synth/patternTypo.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText, repair1 } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

// Patterns of the hospital contract (../shared/bench/hospital/contract.odcs.yaml).
const score = column({ name: 'score', pattern: '(\\d{1,3}%|empty)' });
const sample = column({ name: 'sample', pattern: '(\\d+ patients|empty)' });
const measure = column({ name: 'measure_code', pattern: '[a-z]+-[a-z0-9]+(-[a-z0-9]+)?' });
const stateAvg = column({ name: 'state_average', pattern: '[a-z]{2}_[a-z]+-[a-z0-9]+(-[a-z0-9]+)?' });
const scoreValid = ['97%', '100%', '8%', 'empty', '64%'];
const sampleValid = ['37 patients', '0 patients', 'empty', '125 patients', '6 patients'];
const measureValid = ['ami-1', 'hf-2', 'pn-3b', 'scip-inf-1', 'scip-card-2', 'pn-5c'];
const stateAvgValid = ['al_ami-1', 'al_pn-3b', 'al_scip-inf-2', 'al_hf-2', 'al_scip-card-2'];

describe('pattern-typo strategy', () => {
  const cases = [
    { name: "score: '95x' has one completion", col: score, valid: scoreValid, values: ['95x', '89x', 'emptx'], expected: ['95%', '89%', 'empty'] },
    { name: "sample: an 'x' for a letter or a space", col: sample, valid: sampleValid, values: ['619 paxienxs', '6xpatients', '82 patientx', '29 xatients'], expected: ['619 patients', '6 patients', '82 patients', '29 patients'] },
    { name: "measure_code: an 'x' for the dash", col: measure, valid: measureValid, values: ['hfx1', 'amix1', 'pnx5c'], expected: ['hf-1', 'ami-1', 'pn-5c'] },
    { name: 'state_average: dash and underscore', col: stateAvg, valid: stateAvgValid, values: ['al_pnx2', 'alxpn-7'], expected: ['al_pn-2', 'al_pn-7'] },
    { name: 'one wrong character, no x', col: stateAvg, valid: stateAvgValid, values: ['al-pn-2', 'al_pn_2'], expected: ['al_pn-2', 'al_pn-2'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, patternTypo, synthInput(c.col, c.values), ctx(c.valid));
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('pattern-typo');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('repairs the unique ones and leaves the ambiguous ones in a mixed cluster', async () => {
    const values = ['95x', '9x%', 'x5%', '1xx%'];
    const r = await run(db, patternTypo, synthInput(score, values), ctx(scoreValid, 0.25));
    expect(r).not.toBeNull();
    expect(await apply(db, 'score', r!, values)).toEqual(['95%', '9x%', 'x5%', '1xx%']);
    expect(r!.confidence).toBeCloseTo(0.92 * 0.25, 3);
  });

  const negatives = [
    { name: "'9x%' could be 90% … 99%", col: score, values: ['9x%', 'x7%'], valid: scoreValid },
    { name: "'x patients' could be any digit", col: sample, values: ['x patients', '3x patients'], valid: sampleValid },
    { name: "hospital codes: '1xx32' and '3563x' have many completions", col: column({ name: 'zip', pattern: '\\d{5}' }), values: ['1xx32', '3563x'], valid: ['35233', '36049'] },
    { name: "'px-4': any letter fits", col: measure, values: ['px-4', 'hf-x'], valid: measureValid },
    { name: 'no pattern', col: column({ name: 's' }), values: ['95x'], valid: [] },
    { name: 'two wrong characters and no x', col: score, values: ['95!!'], valid: scoreValid },
    // 'al_scip-vte-2' is the truth, but 'al_scip-vtex2' and 'al_scipavte-2' fit the pattern as well
    { name: "'al_scipxvtex2' has several completions", col: stateAvg, values: ['al_scipxvtex2'], valid: stateAvgValid },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, patternTypo, synthInput(n.col, n.values), ctx(n.valid))).toBeNull();
    });
  }

  it('a completion must look like the valid values', async () => {
    expect(await repair1(db, 'x', '(\\d|[a-z])', ['5', '7'])).toBeNull(); // 10 digits and 26 letters
    expect(await repair1(db, 'ax', '[a-z][0-9]', ['a1', 'b2'])).toBeNull(); // ten digits fit
    expect(await repair1(db, 'emptx', '(\\d{1,3}%|empty)', ['97%'])).toBeNull(); // valid values never say 'empty'
    expect(await repair1(db, 'emptx', '(\\d{1,3}%|empty)', ['97%', 'empty'])).toEqual({ out: 'empty', how: 'x' });
  });
});
