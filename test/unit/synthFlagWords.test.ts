// The flag-words strategy: a yes/no column's values written in another flag vocabulary map to
// the member with the same truth value; nothing else is touched. Run in a real DuckDB, through
// the judge, as every synthesizer test is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { flagWords } from '../../main/remediate/synth/flagWords.js';
import { suppliesEvidence } from '../../main/remediate/harmGuard.js';
import { apply, column, ctx, disallowedFunctions, openDb, run, ruleText, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const emergency = column({ name: 'emergency_service', enum: ['yes', 'no'] });

describe('flag-words strategy', () => {
  it('maps the words of other vocabularies onto the member with the same truth', async () => {
    const values = ['True', 'TRUE', 'Y', '1', 'y', 'False', 'N', '0', 'off', 'On', ' T '];
    const r = await run(db, flagWords, synthInput(emergency, values), ctx());
    expect(r).not.toBeNull();
    expect(r!.patternType).toBe('flag-vocabulary');
    expect(disallowedFunctions(ruleText(r!))).toEqual([]);
    expect(await apply(db, 'emergency_service', r!, values)).toEqual(['yes', 'yes', 'yes', 'yes', 'yes', 'no', 'no', 'no', 'no', 'yes', 'yes']);
  });

  it('keeps the members\' own spelling (Y / N column)', async () => {
    const yn = column({ name: 'flag', enum: ['Y', 'N'] });
    const r = await run(db, flagWords, synthInput(yn, ['yes', 'false', '1']), ctx());
    expect(await apply(db, 'flag', r!, ['yes', 'false', '1'])).toEqual(['Y', 'N', 'Y']);
  });

  it('leaves values that are no flag word as they are', async () => {
    const r = await run(db, flagWords, synthInput(emergency, ['True', 'False', 'maybe']), ctx([], 0.3));
    expect(await apply(db, 'emergency_service', r!, ['True', 'False', 'maybe', null])).toEqual(['yes', 'no', 'maybe', null]);
  });

  it('leaves signed and negated words as they are: \'-1\', \'!true\', \'No?\' are no spelling of a flag word', async () => {
    // foldKey drops signs and punctuation, so '-1' (often "unknown", or true in VB) and '!true'
    // (false) would be read as '1' and 'true': a wrong repair, where quarantine is right.
    const values = ['True', '-1', '!true', 'No?', '+0', '(N)'];
    const r = await run(db, flagWords, synthInput(emergency, values), ctx([], 0.1));
    expect(await apply(db, 'emergency_service', r!, values)).toEqual(['yes', '-1', '!true', 'No?', '+0', '(N)']);
  });

  const declines = [
    { name: 'a set that is no flag pair (M / F)', col: column({ name: 'sex', enum: ['M', 'F'] }), values: ['f', 'T'] },
    { name: 'a set of three', col: column({ name: 'a', enum: ['yes', 'no', 'unknown'] }), values: ['True'] },
    { name: 'two words of one truth (yes / y)', col: column({ name: 'a', enum: ['yes', 'y'] }), values: ['True'] },
    { name: 'no set', col: column({ name: 'a' }), values: ['True'] },
    { name: 'no flag word among the values', col: emergency, values: ['maybe', 'x'] },
  ];
  for (const d of declines) {
    it(`writes nothing for ${d.name}`, async () => {
      expect(await run(db, flagWords, synthInput(d.col, d.values), ctx())).toBeNull();
    });
  }

  it('brings its own evidence (the pair and the flag vocabularies), so it may write one member for several values', () => {
    expect(suppliesEvidence('synth:flag-words', 'map')).toBe(true);
  });
});
