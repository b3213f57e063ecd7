import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { caseTrim } from '../../main/remediate/synth/caseTrim.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

describe('case-trim strategy', () => {
  const cases = [
    {
      name: 'enum: spacing and case to the member',
      col: column({ name: 'emergency_service', enum: ['yes', 'no'] }),
      values: [' Yes ', 'NO', 'yes\t', 'No  '],
      expected: ['yes', 'no', 'yes', 'no'],
      patternType: 'case',
    },
    {
      name: 'enum: inner whitespace runs only',
      col: column({ name: 'type', enum: ['acute care hospitals', 'childrens'] }),
      values: ['acute  care hospitals', ' childrens'],
      expected: ['acute care hospitals', 'childrens'],
      patternType: 'whitespace',
    },
    {
      name: 'pattern [A-Z]{2}: upper-case',
      col: column({ name: 'state', pattern: '[A-Z]{2}' }),
      values: ['ca', ' ny', 'Tx '],
      expected: ['CA', 'NY', 'TX'],
      patternType: 'case',
    },
    {
      name: 'pattern [a-z]+-[0-9]+: lower-case',
      col: column({ name: 'code', pattern: '[a-z]+-[0-9]+' }),
      values: ['AMI-1', 'Hf-2'],
      expected: ['ami-1', 'hf-2'],
      patternType: 'case',
    },
    {
      name: 'integer: surrounding whitespace, tab and NBSP',
      col: column({ name: 'n', logicalType: 'integer' }),
      values: [' 12', '7\t', '\u00a05'],
      expected: ['12', '7', '5'],
      patternType: 'whitespace',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, caseTrim, synthInput(c.col, c.values), ctx());
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe(c.patternType);
      expect(r!.strategy).toBe('case-trim');
      expect(r!.confidence).toBeGreaterThan(0.9);
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('leaves values it cannot fix untouched in SQL, and confidence reflects the share', async () => {
    const col = column({ name: 'state', pattern: '[A-Z]{2}' });
    const values: Array<[string, number]> = [['ca', 9], ['calif', 1]];
    const r = await run(db, caseTrim, synthInput(col, values), ctx([], 0.5));
    expect(r).not.toBeNull();
    expect(r!.confidence).toBeCloseTo(0.97 * 0.9, 3);
    expect(await apply(db, 'state', r!, ['ca', 'calif', null])).toEqual(['CA', 'calif', null]);
  });

  const negatives = [
    { name: 'enum members that differ only by case are ambiguous', col: column({ name: 'e', enum: ['Yes', 'YES'] }), values: ['yes'] },
    { name: 'no member even after folding', col: column({ name: 'e', enum: ['yes', 'no'] }), values: ['yxs', 'maybe'] },
    { name: 'a plain string column has nothing to fold towards', col: column({ name: 's' }), values: [' a ', 'B'] },
    { name: 'folding does not reach the pattern', col: column({ name: 'state', pattern: '[A-Z]{2}' }), values: ['california', 'texas'] },
    { name: 'a number with inner text is not whitespace', col: column({ name: 'n', logicalType: 'integer' }), values: ['12 oz'] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, caseTrim, synthInput(n.col, n.values), ctx())).toBeNull();
    });
  }
});
