// Adversarial pass over two row strategies: currency-of-row (strategies/currencyOfRow.ts) and
// invalid-key-typo (strategies/invalidKeyTypo.ts). Each test runs a real batch (runBatch, every
// proposal approved) and checks what reached production against the truth the test built. A
// test marked 'Was a defect' failed before its fix (stop 28); the others pin a guarantee.
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { noLoss, session } from '../helpers/batchSession.js';

// ---------------------------------------------------------------------------------------------
// currency-of-row

const ORDERS = `apiVersion: v3.1.0
kind: DataContract
id: orders
name: orders
version: 1.0.0
schema:
  - name: orders
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: number, required: true}
      - {name: currency, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Za-z]{3}'}}
`;

/** A base of clean rows, mixed currencies, and a few agreeing dirty ones so the cluster's share holds. */
function ordersBase(n: number, seed: number): string[][] {
  const rng = seeded(seed);
  const codes = ['USD', 'EUR', 'GBP', 'CAD', 'SEK', 'JPY'];
  return Array.from({ length: n }, (_, i) => [String(i + 1), (rng.int(100, 99999) / 100).toFixed(2), codes[rng.int(0, codes.length - 1)]]);
}

describe('currency-of-row, adversarial', () => {
  for (const twins of [false, true]) it(`never puts a number other than the written amount into production, over odd forms (signs, spaces, markers, unicode, quotes)${twins ? ', each beside its twin in another currency (only currency-of-row may judge them)' : ''}`, async () => {
    const rows = ordersBase(120, 3);
    // [text, currency, the amount it means, or null where nothing may be concluded]
    const cases: Array<[string, string, string | null]> = [
      // agreeing markers, readings that are proven: the truth is the number
      ['EUR 478,68', 'EUR', '478.68'], ['EUR 1.234,50', 'EUR', '1234.50'], ['$1,234.50', 'USD', '1234.50'], ['C$12.50', 'CAD', '12.50'],
      ['CA$12.50', 'CAD', '12.50'], ['12,50 €', 'EUR', '12.50'], ['kr 99,95', 'SEK', '99.95'], ['¥1,234,567', 'JPY', '1234567'],
      ['EUR +12,50', 'EUR', '12.50'], ['eur 12,50', 'eur', '12.50'], ['Euro 12,50', 'EUR', '12.50'],
      // negatives in every spelling: a bare positive number would flip the sign
      ['-EUR 5,00', 'EUR', null], ['EUR -5,00', 'EUR', null], ['-5,00 EUR', 'EUR', null], ['−5,00 €', 'EUR', null], ['€−5,00', 'EUR', null],
      ['(EUR 5,00)', 'EUR', null], ['€-5', 'EUR', null], ['5,00- EUR', 'EUR', null], ['5,00 EUR-', 'EUR', null], ['EUR 5,00-', 'EUR', null],
      ['– 5,00 €', 'EUR', null], ['$-12.50', 'USD', null], ['-$12.50', 'USD', null], ['USD (12.50)', 'USD', null],
      // space / narrow space / apostrophe grouping: 1234.50 or nothing
      ['EUR 1 234,50', 'EUR', '1234.50'], ['1 234,50 €', 'EUR', '1234.50'], ['1\u202f234,50 €', 'EUR', '1234.50'], ['1\u00a0234,50\u00a0€', 'EUR', '1234.50'],
      ["CHF 1'234.50", 'EUR', null], ["EUR 1'234,50", 'EUR', '1234.50'],
      // not an amount, or two of them
      ['12 EUR 5', 'EUR', null], ['EUR', 'EUR', null], ['EUR EUR 5', 'EUR', null], ['5 EUR 5 EUR', 'EUR', null], ['EUR 12,50 EUR 3', 'EUR', null],
      // multipliers and units glued to the marker
      ['12.5k EUR', 'EUR', null], ['12,5 k€', 'EUR', null], ['EUR 12,5M', 'EUR', null], ['12.50 EUR/kg', 'EUR', null], ['1.5e3 EUR', 'EUR', null],
      // two readings (in a cluster whose other values prove no convention)
      ['JPY 1,234', 'JPY', null], ['¥1.234', 'JPY', null],
      // quotes and unicode in the cell: no SQL error
      ["EUR 12,50'", 'EUR', null], ["O'Reilly 12", 'EUR', null], ['€ 12,50 ✓', 'EUR', null], ['"EUR" 12,50', 'EUR', null],
      // a row whose currency is missing or not a code
      // (the reference look-up repairs 'EURO' to EUR, then the amount is the written one)
      ['EUR 12,50', '', null], ['EUR 12,50', 'EURO', '12.50'],
    ];
    // A twin in another currency puts two markers in each cluster: the value strategy
    // (number-units) refuses a cluster that mixes currencies, so currency-of-row decides.
    const twin = (x: string) => x.replace(/EUR/g, 'GBP').replace(/eur/g, 'gbp').replace(/Euro/g, 'GBP').replace(/€/g, '£').replace(/USD/g, 'EUR').replace(/^\$|(?<=[ (-])\$/g, '€');
    if (twins) for (const [text, cur, t] of [...cases]) if (twin(text) !== text && twin(cur) !== cur) cases.push([twin(text), twin(cur), t]);
    const truth = new Map<string, string | null>();
    for (const [text, cur, t] of cases) {
      const id = String(rows.length + 1);
      rows.push([id, text, cur]);
      truth.set(id, t);
    }
    await session(twins ? 'adv-cur-odd-twins' : 'adv-cur-odd', ORDERS, async (s) => {
      const run = await s.run('o.csv', ['id', 'amount', 'currency'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['amount']);
      const wrong: Array<{ id: string; written: string; got: string | null | undefined; truth: string | null }> = [];
      for (const [id, t] of truth) {
        const p = prod.get(id);
        if (!p) continue;
        // In production: it must be the amount the cell means.
        if (t === null || Number(p.amount) !== Number(t)) wrong.push({ id, written: rows[Number(id) - 1][1], got: p.amount, truth: t });
      }
      expect(wrong).toEqual([]);
      expect(s.applied(run.runId, 'synth:currency-of-row')).toBeGreaterThan(0);
    });
  }, 240_000);

  // Was a defect: currency-of-row
  // promises that "a marker that disagrees with the row ('$12.50' on a EUR row) is left as it
  // is", but it is proposed after the value strategies and the first verified candidate wins;
  // number-units reads the values alone: it refuses a cluster that mixes
  // currencies, but a cluster whose amounts all carry one marker is stripped whole, whatever the
  // row's currency column says. 'EUR 12,50' on a GBP row then reaches production as 12.50 GBP,
  // '$12.50' on a CAD row as 12.50 CAD ('$' is USD in resources/reference/currencies.csv), and
  // 'C$12.50' on a USD row as 12.50 USD: conversions no one made. Correct: where the contract has
  // a column of the row's currency, a marker that disagrees with it is left in quarantine, by
  // whichever strategy reaches the cell.
  it('leaves a marker that names another currency than its row, also where every amount of the cluster carries that one marker', async () => {
    const rows = ordersBase(100, 17);
    const n = rows.length;
    rows.push(
      [String(n + 1), 'EUR 47,99', 'EUR'], [String(n + 2), 'EUR 33,10', 'EUR'], [String(n + 3), 'EUR 81,25', 'EUR'], [String(n + 4), 'EUR 12,50', 'GBP'],
      [String(n + 5), '$47.99', 'USD'], [String(n + 6), '$33.10', 'USD'], [String(n + 7), '$81.25', 'USD'], [String(n + 8), '$12.50', 'CAD'],
      [String(n + 9), 'C$47.99', 'CAD'], [String(n + 10), 'C$33.10', 'CAD'], [String(n + 11), 'C$12.50', 'USD'],
    );
    await session('adv-cur-disagree', ORDERS, async (s) => {
      const run = await s.run('o.csv', ['id', 'amount', 'currency'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['amount', 'currency']);
      // the agreeing ones are repaired ...
      for (const [i, a] of [[1, 47.99], [2, 33.1], [5, 47.99], [9, 47.99]] as const) expect(Number(prod.get(String(n + i))?.amount)).toBe(a);
      // ... the disagreeing ones are not in production
      expect([n + 4, n + 8, n + 11].map(String).filter((id) => prod.has(id)).map((id) => [id, prod.get(id)])).toEqual([]);
    });
  }, 180_000);

  // Was a defect: the guard "two columns of codes (billed and paid currencies): which one the amount is
  // in is not ours to pick" only counts a column as currency-holding when
  // >= 90 % of its values are ISO codes (MIN_CODE_SHARE). A second
  // currency column that is a little dirty ('n/a' in 15 % of rows) is not seen, so the amount
  // 'USD 12.50' on a row whose paid_currency is EUR is stripped to 12.50 because billing_currency
  // is USD: production then holds paid_amount 12.50 beside paid_currency EUR, a different amount
  // of money than the one written. Correct: the row names two currencies that disagree, so the
  // cell is left in quarantine.
  it('leaves an amount whose marker agrees with one currency column of the row but not with another (dirty) one', async () => {
    const contract = `apiVersion: v3.1.0
kind: DataContract
id: payments
name: payments
version: 1.0.0
schema:
  - name: payments
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: billing_currency, logicalType: string, required: true}
      - {name: paid_amount, logicalType: number, required: true}
      - {name: paid_currency, logicalType: string}
`;
    const rng = seeded(41);
    const codes = ['USD', 'EUR', 'GBP'];
    const rows: string[][] = [];
    for (let i = 0; i < 100; i++) {
      const c = codes[rng.int(0, 2)];
      // 15 % of paid_currency cells say 'n/a' (not yet settled): under the 90 % share
      rows.push([String(i + 1), c, (rng.int(100, 99999) / 100).toFixed(2), i % 7 === 0 ? 'n/a' : c]);
    }
    // The cluster: amounts written with their currency, most agreeing with both columns...
    for (const i of [3, 9, 15, 22, 31]) rows[i][2] = `${rows[i][3] === 'n/a' ? rows[i][1] : rows[i][3]} ${rows[i][2].replace('.', ',')}`;
    for (const i of [3, 9, 15, 22, 31]) if (rows[i][3] === 'n/a') rows[i][3] = rows[i][1];
    // ... and one paid in EUR on a USD bill, written in USD
    rows.push(['101', 'USD', 'USD 12,50', 'EUR']);
    await session('adv-cur-two', contract, async (s) => {
      const run = await s.run('p.csv', ['id', 'billing_currency', 'paid_amount', 'paid_currency'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['paid_amount', 'paid_currency']);
      // The agreeing rows were repaired (the strategy did run) ...
      expect(s.applied(run.runId, 'synth:currency-of-row')).toBeGreaterThan(0);
      // ... but the row whose two currencies disagree must not reach production as 12.50 EUR.
      expect(prod.get('101')).toBeUndefined();
    });
  }, 180_000);

  // The same guard, with the second currency column written as symbols ('€', '$'): no value of it
  // is a code, so it was not seen either. Was a defect, as above.
  it('leaves an amount whose marker disagrees with a currency column written as symbols', async () => {
    const contract = `apiVersion: v3.1.0
kind: DataContract
id: payments2
name: payments2
version: 1.0.0
schema:
  - name: payments2
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: billing_currency, logicalType: string, required: true}
      - {name: paid_amount, logicalType: number, required: true}
      - {name: paid_symbol, logicalType: string, required: true}
`;
    const rng = seeded(43);
    const codes = ['USD', 'EUR', 'GBP'];
    const sym: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };
    const rows: string[][] = [];
    for (let i = 0; i < 100; i++) {
      const c = codes[rng.int(0, 2)];
      rows.push([String(i + 1), c, (rng.int(100, 99999) / 100).toFixed(2), sym[c]]);
    }
    for (const i of [3, 9, 15, 22, 31]) rows[i][2] = `${rows[i][1]} ${rows[i][2].replace('.', ',')}`;
    rows.push(['101', 'USD', 'USD 12,50', '€']);
    await session('adv-cur-sym', contract, async (s) => {
      const run = await s.run('p.csv', ['id', 'billing_currency', 'paid_amount', 'paid_symbol'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      expect(s.applied(run.runId, 'synth:currency-of-row')).toBeGreaterThan(0);
      const prod = await s.prod(['paid_amount']);
      expect(prod.get('101')).toBeUndefined();
    });
  }, 180_000);

  it('an amount far beyond any DECIMAL, or with a quote in a column name, does not crash the run', async () => {
    const contract = `apiVersion: v3.1.0
kind: DataContract
id: odd
name: odd
version: 1.0.0
schema:
  - name: odd
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: "amo'unt", logicalType: number, required: true}
      - {name: 'cur "x"', logicalType: string, required: true}
`;
    const rows = ordersBase(60, 5);
    rows.push(['61', 'EUR 123456789012345678901234567890123456789012,50', 'EUR'], ['62', 'EUR 12,50', 'EUR'], ['63', 'USD 1.000.000.000.000.000.000.000,01', 'USD'], ['64', 'GBP 0,01', 'GBP']);
    await session('adv-cur-huge', contract, async (s) => {
      const run = await s.run('o.csv', ['id', "amo'unt", 'cur "x"'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(["amo'unt"]);
      if (prod.get('62')) expect(Number(prod.get('62')!["amo'unt"])).toBe(12.5);
      if (prod.get('63')) expect(prod.get('63')!["amo'unt"]).toBe('1000000000000000000000.01');
    });
  }, 180_000);

  it('a recipe rule learned on one file strips only agreeing markers on the next file', async () => {
    await session('adv-cur-recipe', ORDERS, async (s) => {
      const a = ordersBase(80, 7);
      for (const i of [2, 9, 15, 22]) a[i][1] = `${a[i][2]} ${a[i][1].replace('.', ',')}`;
      const r1 = await s.run('a.csv', ['id', 'amount', 'currency'], a);
      expect(s.applied(r1.runId, 'synth:currency-of-row')).toBeGreaterThan(0);
      const b = ordersBase(80, 8).map((r) => [String(Number(r[0]) + 1000), r[1], r[2]]);
      // 2001 (a EUR marker on a GBP row) arrives in a cluster that mixes markers (EUR, GBP), which
      // number-units refuses; the recipe's currency-of-row rule repairs 2005 and leaves 2001, which
      // is then alone in its cluster, and number-units strips it in round 1: production holds
      // 12.50 GBP. Fails from the same defect as the 'names another currency' test above.
      b.push(['2001', 'EUR 12,50', 'GBP'], ['2002', 'USD 1,234', 'USD'], ['2003', 'EUR -5,00', 'EUR'], ['2004', 'USD 7,25', 'USD'], ['2005', 'GBP 33,10', 'GBP']);
      const r2 = await s.run('b.csv', ['id', 'amount', 'currency'], b);
      expect(r2.reconciled).toBe(true);
      await noLoss(s, [...a, ...b].map((r) => r[0]));
      const prod = await s.prod(['amount']);
      expect(['2001', '2002', '2003'].filter((id) => prod.has(id))).toEqual([]);
      expect(Number(prod.get('2004')?.amount)).toBe(7.25);
      expect(Number(prod.get('2005')?.amount)).toBe(33.1);
    });
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// invalid-key-typo

const PLACES = `apiVersion: v3.1.0
kind: DataContract
id: places
name: places
version: 1.0.0
schema:
  - name: places
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '\\d{5}'}}
      - {name: city, logicalType: string, required: true}
      - {name: country, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city, country]}
`;

const COUNTRY: Record<string, string> = { Austin: 'US', Dayton: 'US', Lyon: 'FR', Leeds: 'GB', Bremen: 'DE' };

/** `k` rows of each (zip, city), ids from `start`. */
function placeRows(groups: Array<[string, string, number]>, start = 1): string[][] {
  const out: string[][] = [];
  for (const [zip, city, k] of groups) for (let i = 0; i < k; i++) out.push([String(start + out.length), zip, city, COUNTRY[city]]);
  return out;
}

/**
 * Every city holds two zips or more, so the dependents do not name one key and the older
 * fd-determinant-typo strategy (which needs that) does not take the cluster first: the typo
 * reaches invalid-key-typo.
 */
const BASE: Array<[string, string, number]> = [['48191', 'Austin', 6], ['73301', 'Austin', 6], ['45402', 'Dayton', 6], ['45499', 'Dayton', 6], ['69001', 'Lyon', 6], ['69380', 'Lyon', 6]];

describe('invalid-key-typo, adversarial', () => {
  // Was a defect: the "one valid key within one edit" test only counts keys with two or more rows
  // (MIN_SUPPORT). A valid key of the same
  // city that the batch holds once (48199, Austin, a row that passes every check and is promoted)
  // is exactly as near to the typo '4819' as 48191 is, and is the typo's truth here; the strategy
  // sees a single candidate and maps '4819' to 48191, which reaches production. Correct: two valid
  // keys one edit away agree with the row's dependents, so the value is ambiguous and stays held.
  it('leaves a typo that is one edit from a well-supported key and from a rarer valid key with the same dependents', async () => {
    const rows = placeRows([...BASE, ['48199', 'Austin', 1]]);
    rows.push([String(rows.length + 1), '4819', 'Austin', 'US']); // truth: 48199
    const typo = rows[rows.length - 1][0];
    await session('adv-key-rare', PLACES, async (s) => {
      const run = await s.run('p.csv', ['id', 'zip', 'city', 'country'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip']);
      // 48199 is a valid key of the batch, in production as it arrived
      expect(prod.get(String(rows.length - 1))?.zip).toBe('48199');
      expect(prod.get(typo)?.zip).toBeUndefined();
    });
  }, 180_000);

  // Was a defect: the map the strategy emits ('4819' -> '48191', match exact)
  // carries none of the row evidence that justified it, yet it joins the contract's recipe
  // (remediate.ts finishStep/addToRecipe) and is applied to the next file's failing cells as they
  // are (remediate.ts applyRecipe; apply.ts judges the result only within the new batch). On that
  // file '4819' sits in a Dayton row, and no 48191 row is in the file to reveal a conflict: the
  // recipe makes it 48191, an Austin zip, and the row reaches production (production then holds
  // 48191 for Austin and for Dayton). Correct: the row stays in quarantine.
  it('a map learned from one file is not applied blindly to the same typo, in another city, in the next file', async () => {
    await session('adv-key-recipe', PLACES, async (s) => {
      const a = placeRows(BASE);
      a.push([String(a.length + 1), '4819', 'Austin', 'US']);
      const r1 = await s.run('a.csv', ['id', 'zip', 'city', 'country'], a);
      expect(r1.reconciled).toBe(true);
      expect(s.applied(r1.runId, 'synth:invalid-key-typo')).toBe(1);
      expect((await s.prod(['zip'])).get(a[a.length - 1][0])?.zip).toBe('48191');

      const b = placeRows(BASE.filter(([z]) => z !== '48191'), 1001);
      b.push(['2001', '4819', 'Dayton', 'US']); // a Dayton zip, whatever it is, is not 48191
      const r2 = await s.run('b.csv', ['id', 'zip', 'city', 'country'], b);
      expect(r2.reconciled).toBe(true);
      await noLoss(s, [...a, ...b].map((r) => r[0]));
      const prod = await s.prod(['zip', 'city']);
      expect(prod.get('2001')).toBeUndefined();
    });
  }, 240_000);

  // Was a defect, same cause: on the next file Austin holds 48191 and 48192, both one edit from '4819';
  // the strategy itself would leave the typo (two candidates), but the recipe's map rewrites it
  // to 48191 without looking. Correct: the row stays in quarantine.
  it('a recipe map does not rewrite an Austin typo that the new file makes ambiguous', async () => {
    await session('adv-key-recipe2', PLACES, async (s) => {
      const a = placeRows(BASE);
      a.push([String(a.length + 1), '4819', 'Austin', 'US']);
      const r1 = await s.run('a.csv', ['id', 'zip', 'city', 'country'], a);
      expect(s.applied(r1.runId, 'synth:invalid-key-typo')).toBe(1);
      const b = placeRows([...BASE, ['48192', 'Austin', 6]], 1001);
      b.push(['2001', '4819', 'Austin', 'US']);
      const r2 = await s.run('b.csv', ['id', 'zip', 'city', 'country'], b);
      expect(r2.reconciled).toBe(true);
      await noLoss(s, [...a, ...b].map((r) => r[0]));
      const prod = await s.prod(['zip']);
      expect(prod.get('2001')).toBeUndefined();
    });
  }, 240_000);

  it('keys of three characters are never guessed from one edit', async () => {
    const contract = PLACES.replace("pattern: '\\d{5}'", "pattern: '[A-Z]{3}'").replace('id: places', 'id: short').replace('name: places', 'name: short').replace('- name: places', '- name: short');
    expect(contract).toContain('[A-Z]{3}');
    const rows: string[][] = [];
    for (const [k, city] of [['AUS', 'Austin'], ['ATX', 'Austin'], ['DAY', 'Dayton'], ['DYT', 'Dayton'], ['LYS', 'Lyon'], ['LYN', 'Lyon']] as const) for (let i = 0; i < 6; i++) rows.push([String(rows.length + 1), k, city, COUNTRY[city]]);
    rows.push(['100', 'AU', 'Austin', 'US'], ['101', 'AUSS', 'Austin', 'US'], ['102', 'DAYY', 'Dayton', 'US']);
    await session('adv-key-short', contract, async (s) => {
      const run = await s.run('s.csv', ['id', 'zip', 'city', 'country'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip']);
      // 'AUSS' is one edit from AUS, but one edit is a third of AUS: left. 'AU' likewise.
      expect(['100', '101', '102'].filter((id) => prod.has(id))).toEqual([]);
      expect(s.applied(run.runId, 'synth:invalid-key-typo')).toBe(0);
    });
  }, 180_000);

  it('an integer determinant out of its range is mapped only to the key its row agrees with (quotes and unicode in the dependent)', async () => {
    const contract = `apiVersion: v3.1.0
kind: DataContract
id: intkeys
name: intkeys
version: 1.0.0
schema:
  - name: intkeys
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: integer, required: true, logicalTypeOptions: {minimum: 10000, maximum: 99999}}
      - {name: city, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city]}
`;
    const rows: string[][] = [];
    const groups: Array<[string, string]> = [['48191', "L'Haÿ-les-Roses"], ['30301', "L'Haÿ-les-Roses"], ['45402', 'Zürich "Nord"'], ['80001', 'Zürich "Nord"'],
      ['69001', '東京'], ['20202', '東京'], ['10001', "O'Brien's"], ['55501', "O'Brien's"]];
    for (const [z, c] of groups) for (let i = 0; i < 5; i++) rows.push([String(rows.length + 1), z, c]);
    rows.push(['100', '4819', "L'Haÿ-les-Roses"], ['101', '100010', "O'Brien's"], ['102', '6900', '東京'], ['103', '4540', "L'Haÿ-les-Roses"], ['104', '-48191', "L'Haÿ-les-Roses"]);
    await session('adv-key-int', contract, async (s) => {
      const run = await s.run('i.csv', ['id', 'zip', 'city'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip']);
      expect(prod.get('100')?.zip).toBe('48191');
      expect(prod.get('101')?.zip).toBe('10001');
      expect(prod.get('102')?.zip).toBe('69001');
      // '4540' is one edit from 45402, but its row says L'Haÿ-les-Roses (48191's city): left.
      expect(prod.has('103')).toBe(false);
      if (prod.get('104')) expect(prod.get('104')!.zip).toBe('48191');
      expect(s.applied(run.runId, 'synth:invalid-key-typo')).toBeGreaterThan(0);
    });
  }, 180_000);

  it('keys with quotes, backslashes and unicode in the determinant itself run without an SQL error and map to the truth', async () => {
    const contract = PLACES.replace("pattern: '\\d{5}'", "pattern: '[A-Z]{2}-[0-9]{3}'").replace('id: places', 'id: quoted').replace('name: places', 'name: quoted').replace('- name: places', '- name: quoted');
    expect(contract).toContain('[A-Z]{2}-[0-9]{3}');
    const rows: string[][] = [];
    for (const [k, city] of [['AB-123', 'Austin'], ['AB-900', 'Austin'], ['CD-456', 'Dayton'], ['CD-901', 'Dayton'], ['EF-789', 'Lyon'], ['EF-902', 'Lyon']] as const) for (let i = 0; i < 5; i++) rows.push([String(rows.length + 1), k, city, COUNTRY[city]]);
    rows.push(['100', "AB-12'", 'Austin', 'US'], ['101', 'CD-4ü6', 'Dayton', 'US'], ['102', "E'F-789", 'Lyon', 'FR'], ['103', 'AB-123\\', 'Austin', 'US'], ['104', 'CD-45"', 'Dayton', 'US']);
    await session('adv-key-quote', contract, async (s) => {
      const run = await s.run('q.csv', ['id', 'zip', 'city', 'country'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip']);
      const truth: Record<string, string> = { '100': 'AB-123', '101': 'CD-456', '102': 'EF-789', '103': 'AB-123', '104': 'CD-456' };
      const wrong = Object.entries(truth).filter(([id, z]) => prod.get(id) && prod.get(id)!.zip !== z);
      expect(wrong).toEqual([]);
      expect(s.applied(run.runId, 'synth:invalid-key-typo')).toBeGreaterThan(0);
    });
  }, 180_000);

  it('the same typo in many rows of one city is mapped; one row of another city holds every row of that typo back', async () => {
    await session('adv-key-many', PLACES, async (s) => {
      const rows = placeRows(BASE);
      for (let i = 0; i < 30; i++) rows.push([String(rows.length + 1), '4540', 'Dayton', 'US']);
      for (let i = 0; i < 30; i++) rows.push([String(rows.length + 1), '6901', 'Lyon', 'FR']);
      rows.push([String(rows.length + 1), '6901', 'Austin', 'US']);
      const run = await s.run('m.csv', ['id', 'zip', 'city', 'country'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip', 'city']);
      expect([...prod.values()].filter((r) => r.zip === '45402').length).toBe(36);
      // '6901' is shared with an Austin row: the map would rewrite all of them, so none is.
      expect([...prod.values()].filter((r) => r.zip === '69001').length).toBe(6);
      expect(s.applied(run.runId, 'synth:invalid-key-typo')).toBeGreaterThan(0);
    });
  }, 180_000);

  it('a typo whose rows point at two keys through two dependencies is left', async () => {
    const contract = `apiVersion: v3.1.0
kind: DataContract
id: twofd
name: twofd
version: 1.0.0
schema:
  - name: twofd
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '\\d{5}'}}
      - {name: city, logicalType: string, required: true}
      - {name: region, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city]}
          - {determinant: [zip], dependent: [region]}
`;
    const rows: string[][] = [];
    for (const [z, c, r] of [['48191', 'Austin', 'North'], ['48192', 'Austin', 'South'], ['73301', 'Austin', 'South'], ['45402', 'Dayton', 'East'], ['45499', 'Dayton', 'East']] as const) for (let i = 0; i < 5; i++) rows.push([String(rows.length + 1), z, c, r]);
    rows.push(['100', '4819', 'Austin', 'South'], ['101', '4819', 'Austin', 'North']);
    await session('adv-key-twofd', contract, async (s) => {
      const run = await s.run('t.csv', ['id', 'zip', 'city', 'region'], rows);
      expect(run.reconciled).toBe(true);
      await noLoss(s, rows.map((r) => r[0]));
      const prod = await s.prod(['zip']);
      expect(prod.has('100')).toBe(false);
      expect(prod.has('101')).toBe(false);
    });
  }, 180_000);
});
