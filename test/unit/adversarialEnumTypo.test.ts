// Adversarial probes of enum-typo after 781d62f (REPEATED_WORD_ROWS). Each asserts the do-no-harm
// behaviour: a value that is plausibly a word of its own must not be mapped onto a member. The
// variant-split and prefix cases failed on 781d62f; the wildcard and truncation paths (mix -> mid,
// pending -> pending review on 30 rows) still map and are left for later (see the closing note).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { enumTypo } from '../../main/remediate/synth/enumTypo.js';
import { apply, column, ctx, openDb, run, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const status = column({ name: 'status', enum: ['scheduled', 'departed', 'landed', 'cancelled', 'delayed'] });

/** What the rule (if any) does to the values; unchanged values when no rule is proposed. */
async function outcome(col: ReturnType<typeof column>, values: Array<[string, number]>, minCoverage?: number) {
  const r = await run(db, enumTypo, synthInput(col, values), ctx([], minCoverage));
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
});
