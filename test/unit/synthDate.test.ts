import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { dateFormat } from '../../main/remediate/synth/dateFormat.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

describe('date-format strategy', () => {
  const cases = [
    {
      name: 'US slashes to ISO (no format in the contract)',
      col: column({ name: 'd', logicalType: 'date' }),
      values: ['03/15/2021', '3/4/2020', '12/31/1999'],
      expected: ['2021-03-15', '2020-03-04', '1999-12-31'],
    },
    {
      name: 'day-first proven by a day above 12',
      col: column({ name: 'd', logicalType: 'date' }),
      values: ['15/03/2021', '04/05/2020', '31-12-1999'],
      expected: ['2021-03-15', '2020-05-04', '1999-12-31'],
    },
    {
      name: 'dotted day-first, named months and compact digits, to the contract format',
      col: column({ name: 'd', logicalType: 'date', format: '%m/%d/%Y' }),
      values: ['15.03.2021', 'Mar 5 2020', 'march 5, 2020', '5 Mar 2020', '05-Mar-2020', '20200305', '2020-03-05', '2020/3/5'],
      expected: ['03/15/2021', '03/05/2020', '03/05/2020', '03/05/2020', '03/05/2020', '03/05/2020', '03/05/2020', '03/05/2020'],
    },
    {
      name: 'ISO timestamps with T, Z or fraction to a date column',
      col: column({ name: 'd', logicalType: 'date' }),
      values: ['2021-03-15T10:20:30', '2021-03-16T00:00:00Z', '2021-03-17 23:59:59.5'],
      expected: ['2021-03-15', '2021-03-16', '2021-03-17'],
    },
    {
      name: 'timestamps to the default timestamp format',
      col: column({ name: 't', logicalType: 'timestamp' }),
      values: ['2021-03-15T10:20:30', '03/15/2021 10:20', '2021-03-15T10:20:30.000Z'],
      expected: ['2021-03-15 10:20:30', '2021-03-15 10:20:00', '2021-03-15 10:20:30'],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, dateFormat, synthInput(c.col, c.values), ctx());
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('date-format');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('uses the valid sample as evidence of day-first order', async () => {
    const col = column({ name: 'd', logicalType: 'date' });
    const r = await run(db, dateFormat, synthInput(col, ['04/05/2020']), ctx(['25/12/2019', '13/01/2020']));
    expect(r).not.toBeNull();
    expect(await apply(db, 'd', r!, ['04/05/2020'])).toEqual(['2020-05-04']);
    expect(r!.confidence).toBeGreaterThan(0.9);
  });

  it('assumes month-first without evidence, but with lower confidence', async () => {
    const r = await run(db, dateFormat, synthInput(column({ name: 'd', logicalType: 'date' }), ['04/05/2020']), ctx());
    expect(r).not.toBeNull();
    expect(r!.confidence).toBeLessThan(0.9);
  });

  it('leaves impossible dates as they are', async () => {
    const col = column({ name: 'd', logicalType: 'date' });
    const r = await run(db, dateFormat, synthInput(col, ['03/15/2021', '03/16/2021']), ctx());
    expect(await apply(db, 'd', r!, ['02/30/2021', 'soon', null])).toEqual(['02/30/2021', 'soon', null]);
  });

  const negatives = [
    { name: 'day-first and month-first evidence in one cluster', col: column({ name: 'd', logicalType: 'date' }), values: ['15/03/2021', '03/15/2021'] },
    { name: 'not a date column', col: column({ name: 's' }), values: ['03/15/2021'] },
    { name: 'a date alone for a timestamp column', col: column({ name: 't', logicalType: 'timestamp' }), values: ['03/15/2021'] },
    { name: 'two-digit years', col: column({ name: 'd', logicalType: 'date' }), values: ['03/15/21', '04/16/21'] },
    { name: 'impossible calendar dates', col: column({ name: 'd', logicalType: 'date' }), values: ['02/30/2021', '13/13/2021'] },
    { name: 'out of the contract range', col: column({ name: 'd', logicalType: 'date', minimum: '2000-01-01' }), values: ['03/15/1999'] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, dateFormat, synthInput(n.col, n.values), ctx())).toBeNull();
    });
  }
});

describe('date-format strategy: two-digit years', () => {
  const col = column({ name: 'd', logicalType: 'date' });
  /** valid dates all in the 2000s: the century a two-digit year is read in */
  const valid2000s = Array.from({ length: 12 }, (_, i) => `20${String(10 + i)}-0${1 + (i % 9)}-1${i % 9}`);

  it('reads a two-digit year in the one century every valid date of the column shares', async () => {
    const values = ['4/17/19', '3/23/22', '12/31/05', '17.04.19'];
    const r = await run(db, dateFormat, synthInput(col, values), ctx(valid2000s));
    expect(r).not.toBeNull();
    expect(disallowedFunctions(ruleText(r!))).toEqual([]);
    expect(await apply(db, 'd', r!, values)).toEqual(['2019-04-17', '2022-03-23', '2005-12-31', '2019-04-17']);
  });

  it('leaves two-digit years alone when the valid dates span two centuries, or are too few', async () => {
    const values = ['4/17/19', '3/23/22'];
    const spanning = [...valid2000s.slice(0, 11), '1998-05-05'];
    for (const sample of [spanning, valid2000s.slice(0, 5), []]) {
      const r = await run(db, dateFormat, synthInput(col, values), ctx(sample, 0));
      expect(r === null ? values : await apply(db, 'd', r, values)).toEqual(values);
    }
  });

  it('reads no two-digit year nearer the next or last century than the valid dates\' own', async () => {
    // valid dates 1990-1999 share the century 19, yet '05' is 2005 far likelier than 1905
    const valid1990s = Array.from({ length: 12 }, (_, i) => `199${i % 10}-0${1 + (i % 9)}-1${i % 9}`);
    const values = ['17.04.05', '17.04.19', '17.04.95', '1/31/00'];
    const r = await run(db, dateFormat, synthInput(col, values), ctx(valid1990s, 0));
    expect(r).not.toBeNull();
    expect(await apply(db, 'd', r!, values)).toEqual(['17.04.05', '17.04.19', '1995-04-17', '1/31/00']);
  });

  it('takes no day or month order from a two-digit-year date that may be written year first', async () => {
    // '19-04-17' may be 2019-04-17 cut short: it says nothing of '04/05/2020', read month first
    const values = ['04/05/2020', '19-04-17'];
    for (const sample of [valid2000s, []]) {
      const r = await run(db, dateFormat, synthInput(col, values), ctx(sample, 0));
      expect(r).not.toBeNull();
      expect((await apply(db, 'd', r!, values))[0]).toBe('2020-04-05');
      expect(r!.reasoning).toContain('assuming month-first');
    }
  });

  it('does not read a hyphenated date that may be a year-first date cut short, where the valid dates are written year first', async () => {
    // among dates written 2019-04-17, '19-04-17' may be that date; '17-04-19' may be 2017-04-19
    const values = ['19-04-17', '22-03-05', '17/04/2019', '25-12-45', '13-04-2019'];
    const r = await run(db, dateFormat, synthInput(col, values), ctx(valid2000s, 0));
    expect(r).not.toBeNull();
    expect(await apply(db, 'd', r!, values)).toEqual(['19-04-17', '22-03-05', '2019-04-17', '2045-12-25', '2019-04-13']);
  });
});
