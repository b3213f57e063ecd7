import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { numberUnits } from '../../main/remediate/synth/numberUnits.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

// The beers contract's own columns (../shared/bench/beers/contract.odcs.yaml).
const ounces = column({
  name: 'ounces', logicalType: 'number', required: true, minimum: 1, maximum: 128,
  description: 'can or bottle size in US fluid ounces, a bare number',
});
const abv = column({ name: 'abv', logicalType: 'number', minimum: 0, maximum: 1, description: 'alcohol by volume as a fraction (0.05 is 5%)' });
const ibu = column({ name: 'ibu', logicalType: 'integer', minimum: 0, maximum: 200, missingTokens: ['N/A', 'n/a', '', '-'] });
const abvValid = ['0.05', '0.055', '0.06', '0.065', '0.052', '0.045', '0.07', '0.048', '0.099', '0.042', '0.085', '0.04', '0.08'];

describe('number-units strategy', () => {
  const cases = [
    {
      name: 'beers ounces: oz, OZ., ounce and a can-type tail',
      col: ounces, valid: [] as string[],
      values: ['12.0 oz', '12.0 OZ.', '16.0 ounce', '12.0 oz. Alumi-Tek', '16.0 oz. Silo Can', '19.2 oz', '8.4 ounce'],
      expected: ['12', '12', '16', '12', '16', '19.2', '8.4'],
      patternType: 'unit-suffix',
    },
    {
      name: 'beers abv: a percent sign on numbers that already have the valid magnitude',
      col: abv, valid: abvValid,
      values: ['0.09%', '0.05%', '0.055999999999999994%', '0.052000000000000005%', '0.1%'],
      expected: ['0.09', '0.05', '0.056', '0.052', '0.1'],
      patternType: 'percent',
    },
    {
      name: 'abv: a true percent is divided by 100, a noisy fraction is kept, side by side',
      col: abv, valid: abvValid,
      values: ['5%', '6.5 %', '0.07%', '12 percent'],
      expected: ['0.05', '0.065', '0.07', '0.12'],
      patternType: 'percent',
    },
    {
      name: 'a percent column keeps the number',
      col: column({ name: 'rate', logicalType: 'number', minimum: 0, maximum: 100 }), valid: ['40', '55.5', '61', '38', '72', '45'],
      values: ['45%', '60.5%'],
      expected: ['45.0', '60.5'],
      patternType: 'percent',
    },
    {
      // Found by the generalisation harness: 5 as 5 or as 0.05 both fall within 0..100; the valid
      // values are whole numbers, so the reading with two decimals is unlike every one of them.
      name: 'a column of whole percents from 0 keeps the number, whatever the spelling of the sign',
      col: column({ name: 'discount_pct', logicalType: 'number', minimum: 0, maximum: 100 }), valid: ['0', '5', '10', '15', '20', '25', '0', '10'],
      values: ['20 pct', '25%', '0 percent', '15 %', '5 pct'],
      expected: ['20', '25', '0', '15', '5'],
      patternType: 'percent',
    },
    {
      name: 'US currency with thousands separators',
      col: column({ name: 'price', logicalType: 'number' }), valid: [],
      values: ['$1,234.50', '$ 99.99', 'USD 1,000,000', '12.00 USD'],
      // no valid sample to copy a style from: a zero fraction is dropped, a real one kept as written
      expected: ['1234.50', '99.99', '1000000', '12'],
      patternType: 'currency',
    },
    {
      name: 'EU currency: dot thousands and decimal comma',
      col: column({ name: 'price', logicalType: 'number' }), valid: [],
      values: ['1.234,50 €', '€ 99,99', '12,5 €'],
      expected: ['1234.50', '99.99', '12.5'],
      patternType: 'currency',
    },
    {
      name: "a currency prefix ending in '.' glued to the number",
      col: column({ name: 'price', logicalType: 'number' }), valid: [],
      values: ['Fr.12', 'CHF 15.50'],
      expected: ['12', '15.50'],
      patternType: 'currency',
    },
    {
      name: 'integer: a zero fraction and thousands separators',
      col: column({ name: 'n', logicalType: 'integer' }), valid: ['3', '1200', '45000'],
      values: ['12.0', '1,500', '2,000,000.00'],
      expected: ['12', '1500', '2000000'],
      patternType: 'number-format',
    },
    {
      // Found by the generalisation harness: an explicit plus sign ('+16,00', '+0,05') held rows.
      name: 'an explicit plus sign, with a decimal comma or a zero fraction, keeps the number and its sign',
      col: abv, valid: abvValid,
      values: ['+0,05', '+0,046', '0,07'],
      expected: ['0.05', '0.046', '0.07'],
      patternType: 'number-format',
    },
    {
      // Found by the generalisation harness: digits grouped by spaces (SI / ISO 31-0 style).
      name: 'digits grouped by threes with a space, a no-break or a narrow no-break space',
      col: column({ name: 'amount', logicalType: 'number' }), valid: ['12.50', '980.10', '45.99', '310.00', '77.25'],
      values: ['2 673.32', '1 005.10', '12\u00a0450.75', '3\u202f300.00'],
      expected: ['2673.32', '1005.10', '12450.75', '3300.00'],
      patternType: 'number-format',
    },
    {
      name: 'space-grouped digits with a decimal comma',
      col: column({ name: 'amount', logicalType: 'number' }), valid: [],
      values: ['2 452,56', '10 000,5'],
      expected: ['2452.56', '10000.5'],
      patternType: 'number-format',
    },
    {
      name: 'integer: a plus sign and a zero fraction',
      col: ibu, valid: ['20', '35', '65', '30', '70', '18'],
      values: ['+55,00', '+ 33,00', '20,0'],
      expected: ['55', '33', '20'],
      patternType: 'number-format',
    },
    {
      name: 'ibu: an integer written with a zero fraction',
      col: ibu, valid: ['20', '35', '65', '30', '70', '18'],
      values: ['35.0', '20.0'],
      expected: ['35', '20'],
      patternType: 'number-format',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, numberUnits, synthInput(c.col, c.values), ctx(c.valid));
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe(c.patternType);
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('leaves ambiguous percents and non-matching shapes alone in SQL', async () => {
    const r = await run(db, numberUnits, synthInput(abv, ['0.05%', '0.06%', '0.07%', '0.08%', '0.09%', '0.045%', '0.055%', '0.065%', '0.075%', '0.5%']), ctx(abvValid, 0.5));
    expect(r).not.toBeNull();
    // 0.5 is ten times any valid abv, 0.005 a tenth of the smallest: neither reading is trusted.
    expect(await apply(db, 'abv', r!, ['0.5%', '0.05%', 'N/A', null, '5 oz', '.05%'])).toEqual(['0.5%', '0.05', 'N/A', null, '5 oz', '.05%']);
  });

  const negatives = [
    { name: 'mixed units (oz and ml)', col: column({ name: 'size', logicalType: 'number' }), values: ['12 oz', '355 ml'], valid: [] },
    { name: 'ml values for a column described in ounces', col: ounces, values: ['355 ml', '473 ml'], valid: [] },
    { name: 'percent and units mixed', col: abv, values: ['5%', '12 oz'], valid: abvValid },
    { name: 'a percent with no range and no valid sample', col: column({ name: 'p', logicalType: 'number' }), values: ['5%', '7%'], valid: [] },
    { name: 'a percent that fits both readings (range 0–100, no sample)', col: column({ name: 'p', logicalType: 'number', minimum: 0, maximum: 100 }), values: ['5%', '0.5%'], valid: [] },
    { name: 'N/A is not a number', col: ibu, values: ['N/A', 'n/a'], valid: ['20', '35'] },
    { name: 'a real fraction in an integer column', col: ibu, values: ['12.5', '13.5'], valid: ['20', '35'] },
    { name: 'US and EU separators in one cluster', col: column({ name: 'p', logicalType: 'number' }), values: ['$1,234.50', '1.234,50 €'], valid: [] },
    { name: "'1,234' with no evidence of the convention", col: column({ name: 'p', logicalType: 'number' }), values: ['1,234 kg', '2,500 kg'], valid: [] },
    { name: 'units far from the valid magnitude', col: column({ name: 'w', logicalType: 'number' }), values: ['2500 g', '3000 g'], valid: ['2.5', '3.1', '2.8', '3.3', '2.9'] },
    { name: 'a string column', col: column({ name: 's' }), values: ['12 oz'], valid: [] },
    { name: 'digits split by a space that are not groups of three', col: column({ name: 'q', logicalType: 'number' }), values: ['12 34', '1 2345'], valid: [] },
    { name: 'negative numbers are not guessed', col: column({ name: 'p', logicalType: 'number' }), values: ['-5 kg', '-3 kg'], valid: [] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, numberUnits, synthInput(n.col, n.values), ctx(n.valid))).toBeNull();
    });
  }
});
