// Adversarial probes of enum-typo after 781d62f (REPEATED_WORD_ROWS). Each asserts the do-no-harm
// behaviour: a value that is plausibly a word of its own must not be mapped onto a member. The
// variant-split and prefix cases failed on 781d62f; the wildcard and truncation cases (mix -> mid,
// pending -> pending review, over -> overdue on 30 rows) failed on 1e8d571.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { enumTypo } from '../../main/remediate/synth/enumTypo.js';
import { apply, column, ctx, openDb, run, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const status = column({ name: 'status', enum: ['scheduled', 'departed', 'landed', 'cancelled', 'delayed'] });

/** What the rule (if any) does to the values; unchanged values when no rule is proposed. */
async function outcome(col: ReturnType<typeof column>, values: Array<[string, number]>, minCoverage?: number, passing: Array<[string, number]> = []) {
  const context = { ...ctx([], minCoverage), validSample: passing.map(([value, count]) => ({ value, count })) };
  const r = await run(db, enumTypo, synthInput(col, values), context);
  const vs = values.map(([v]) => v);
  return r ? apply(db, col.name, r, vs) : vs;
}

describe('adversarial enum-typo', () => {
  it("case/spacing variants of 'planned' (2 rows each, 6 in all) are not mapped to 'landed'", async () => {
    const values: Array<[string, number]> = [['Planned', 2], [' planned', 2], ['PLANNED', 2]];
    expect(await outcome(status, values)).toEqual(values.map(([v]) => v));
  });

  it("spelling variants of 'planned' (planned, planed, plannd; 2 rows each) are not mapped to 'landed'", async () => {
    const values: Array<[string, number]> = [['planned', 2], ['planed', 2], ['plannd', 2]];
    expect(await outcome(status, values)).toEqual(values.map(([v]) => v));
  });

  it("'planned' on 2 rows beside 'planned ' on 2 rows (trailing space) is not mapped", async () => {
    const values: Array<[string, number]> = [['planned', 2], ['planned ', 2]];
    expect(await outcome(status, values)).toEqual(values.map(([v]) => v));
  });

  it("an opposite by prefix is not a slip: 'inactive' (1 row) is not mapped to 'active'", async () => {
    const st = column({ name: 'st', enum: ['active', 'pending', 'closed'] });
    expect(await outcome(st, [['inactive', 1]], 0.1)).toEqual(['inactive']);
  });

  it("an opposite by prefix is not a slip: 'unapproved' (2 rows) is not mapped to 'approved'", async () => {
    const st = column({ name: 'st', enum: ['approved', 'rejected', 'pending'] });
    expect(await outcome(st, [['unapproved', 2]], 0.1)).toEqual(['unapproved']);
  });

  it("an opposite by dropped prefix: 'active' (1 row) is not mapped to 'inactive'", async () => {
    const st = column({ name: 'st', enum: ['inactive', 'pending', 'closed'] });
    expect(await outcome(st, [['active', 1]], 0.1)).toEqual(['active']);
  });

  it('still maps genuine one-off slips (no regression)', async () => {
    expect(await outcome(status, [['lnaded', 1], ['canceled', 40], ['delyed', 9], ['Landed ', 5]]))
      .toEqual(['landed', 'cancelled', 'delayed', 'landed']);
  });

  const level = column({ name: 'level', enum: ['low', 'mid', 'high'] });
  it("'mix' on 30 rows beside 'mid' on 100 is a word whose x is a letter: not mapped", async () => {
    expect(await outcome(level, [['mix', 30]], undefined, [['mid', 100], ['low', 400]])).toEqual(['mix']);
    expect(await outcome(level, [['MIX ', 10], ['mix', 20]], undefined, [['mid', 100]])).toEqual(['MIX ', 'mix']);
  });

  it("a repeated x-typo that is a small share of its word is still read as the word ('yxs' 11 rows beside 'yes' 830)", async () => {
    const yn = column({ name: 'emergency', enum: ['yes', 'no'] });
    expect(await outcome(yn, [['yxs', 11], ['yex', 9], ['xo', 1]], undefined, [['yes', 830], ['no', 150]])).toEqual(['yes', 'yes', 'no']);
    // one or two rows say nothing either way: read as the word whatever the member's count
    expect(await outcome(level, [['mix', 2]], undefined, [])).toEqual(['mid']);
  });

  it("a value cut where the member's next word begins is a term of its own: 'pending' is not 'pending review'", async () => {
    const st = column({ name: 'st', enum: ['pending review', 'approved', 'rejected'] });
    expect(await outcome(st, [['pending', 30]], undefined, [['pending review', 1000]])).toEqual(['pending']);
    expect(await outcome(st, [['pending', 1]], 0.1, [['pending review', 1000]])).toEqual(['pending']);
  });

  it("'over' on 30 rows beside 'overdue' on 100 is not a value cut short; 'cancel' on 2 rows still is", async () => {
    const st = column({ name: 'st', enum: ['overdue', 'paid', 'cancelled'] });
    expect(await outcome(st, [['over', 30]], undefined, [['overdue', 100], ['paid', 500]])).toEqual(['over']);
    expect(await outcome(st, [['cancel', 2]], undefined, [['cancelled', 50]])).toEqual(['cancelled']);
  });
});
