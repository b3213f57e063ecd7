import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { referenceLookup } from '../../main/remediate/synth/referenceLookup.js';
import { referenceKey } from '../../main/contract/reference.js';
import { apply, column, ctx, disallowedFunctions, openDb, referenceTables, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const stateValid = ['CA', 'TX', 'NY', 'OR', 'CO', 'IN', 'MA', 'WA'];

describe('reference tables', () => {
  it('load with every row complete and no alias shared inside a form', async () => {
    const ref = referenceTables();
    expect(ref.country.entities.length).toBe(249);
    expect(ref.us_state.entities.length).toBe(56);
    expect(ref.currency.entities.length).toBeGreaterThan(30);
    for (const e of ref.country.entities) {
      expect(e.forms.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(e.forms.alpha3).toMatch(/^[A-Z]{3}$/);
      expect(e.forms.name).toBeTruthy();
    }
    for (const t of Object.values(ref)) {
      for (const f of t.formNames) {
        const forms = t.entities.map((e) => e.forms[f]).filter(Boolean);
        if (f !== 'symbol') expect(new Set(forms).size).toBe(forms.length);
      }
    }
    expect(referenceKey('N. Y.')).toBe(referenceKey('NY'));
    expect(referenceKey('México')).toBe(referenceKey('mexico'));
  });
});

describe('reference-lookup strategy', () => {
  const cases = [
    {
      name: 'US state names and AP abbreviations to the code (valid sample decides the form)',
      col: column({ name: 'state', pattern: '[A-Z]{2}' }), valid: stateValid,
      values: ['California', 'Calif.', 'Mass.', 'new york', 'N.Y.', 'W. Va.', 'District of Columbia'],
      expected: ['CA', 'CA', 'MA', 'NY', 'NY', 'WV', 'DC'],
    },
    {
      name: 'hospital state enum: lower-case codes',
      col: column({ name: 'state', enum: ['al', 'ak', 'az', 'ca', 'fl', 'il', 'ny', 'tx'] }), valid: [],
      values: ['Alabama', 'ALASKA', 'Fla.'],
      expected: ['al', 'ak', 'fl'],
    },
    {
      name: 'country names and alpha-3 to alpha-2',
      col: column({ name: 'country', pattern: '[A-Z]{2}' }), valid: ['DE', 'FR', 'US', 'GB', 'NL', 'ES'],
      values: ['Germany', 'DEU', 'United States of America', 'UK', 'Holland', "Côte d'Ivoire", 'south korea'],
      expected: ['DE', 'DE', 'US', 'GB', 'NL', 'CI', 'KR'],
    },
    {
      name: 'country codes to names when the column holds names',
      col: column({ name: 'country' }), valid: ['Germany', 'France', 'Spain', 'Italy', 'Netherlands', 'Poland'],
      values: ['DE', 'fra', 'España'],
      expected: ['Germany', 'France', 'Spain'],
    },
    {
      name: 'alpha-3 from the pattern and the column name alone',
      col: column({ name: 'country_code', pattern: '[A-Z]{3}' }), valid: [],
      values: ['Germany', 'FR', 'Viet Nam'],
      expected: ['DEU', 'FRA', 'VNM'],
    },
    {
      name: 'currency symbols and names to ISO codes',
      col: column({ name: 'currency' }), valid: ['USD', 'EUR', 'GBP', 'JPY', 'CHF'],
      values: ['$', '€', 'euros', 'Pound sterling', 'Swiss franc'],
      expected: ['USD', 'EUR', 'EUR', 'GBP', 'CHF'],
    },
    {
      name: "'¥' (yen or yuan) settled by the codes the column already uses",
      col: column({ name: 'currency' }), valid: ['USD', 'EUR', 'JPY', 'GBP', 'CHF'],
      values: ['¥', '€'],
      expected: ['JPY', 'EUR'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, referenceLookup, synthInput(c.col, c.values), ctx(c.valid));
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('reference-lookup');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  const negatives = [
    { name: "'kr' is four currencies and none is in use", col: column({ name: 'currency' }), values: ['kr', 'kr.'], valid: ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] },
    { name: 'codes shared by states and countries with no name to tell', col: column({ name: 'code', pattern: '[A-Z]{2}' }), values: ['California'], valid: [] },
    { name: 'not in any table', col: column({ name: 'state', pattern: '[A-Z]{2}' }), values: ['Narnia', 'Atlantis'], valid: stateValid },
    { name: 'a column unlike any reference table', col: column({ name: 'city' }), values: ['Calif.'], valid: ['Bend', 'Gary', 'Denver', 'Boise', 'Reno'] },
    { name: "a hospital typo is not a name ('xl')", col: column({ name: 'state', enum: ['al', 'fl', 'il'] }), values: ['xl'], valid: [] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, referenceLookup, synthInput(n.col, n.values), ctx(n.valid))).toBeNull();
    });
  }
});
