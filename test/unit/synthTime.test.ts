// Times of day in another form, rewritten to the form the column's valid values use, proven by
// the contract's own pattern; readings that would lose information are never made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { timeFormat } from '../../main/remediate/synth/timeFormat.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const HHMM = column({ name: 't', logicalType: 'string', pattern: '([01]\\d|2[0-3]):[0-5]\\d' });
const HHMMSS = column({ name: 't', logicalType: 'string', pattern: '([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d' });
/** a column's valid values, written HH:mm */
const validHHMM = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:${h % 2 ? '30' : '05'}`);
const validHHMMSS = validHHMM.map((v) => `${v}:00`);

describe('time-format strategy', () => {
  it('reads 12-hour, compact, seconds, single-digit and other separators as HH:mm', async () => {
    const values = ['4:50 PM', '11:45 am', '12:20 PM', '12:05 a.m.', '11 pm', '4.50pm', '0215', '2300', '07:10:00', '7:05', '14h20', '14.20', ' 9:50 AM '];
    const r = await run(db, timeFormat, synthInput(HHMM, values), ctx(validHHMM));
    expect(r).not.toBeNull();
    expect(r!.patternType).toBe('time-format');
    expect(disallowedFunctions(ruleText(r!))).toEqual([]);
    expect(await apply(db, 't', r!, values)).toEqual(
      ['16:50', '11:45', '12:20', '00:05', '23:00', '16:50', '02:15', '23:00', '07:10', '07:05', '14:20', '14:20', '09:50']);
  });

  it('never drops seconds that are not :00, and leaves what no reading parses', async () => {
    const values = ['07:10:00', '07:10:30', '25:10', '13:60', '13:5', 'noon', '1:30 XM', '13:30 PM'];
    const r = await run(db, timeFormat, synthInput(HHMM, values), ctx(validHHMM, 0));
    expect(r).not.toBeNull();
    expect(await apply(db, 't', r!, values)).toEqual(['07:10', '07:10:30', '25:10', '13:60', '13:5', 'noon', '1:30 XM', '13:30 PM']);
  });

  it('keeps seconds where the convention has them', async () => {
    const values = ['4:50:15 PM', '07:10:30', '7:05', '4:50:00 PM'];
    const r = await run(db, timeFormat, synthInput(HHMMSS, values), ctx(validHHMMSS, 0));
    expect(r).not.toBeNull();
    // '4:50:15 PM' would lose its seconds in the 12-hour reading (only ':00' is read): left
    expect(await apply(db, 't', r!, values)).toEqual(['4:50:15 PM', '07:10:30', '07:05:00', '16:50:00']);
  });

  it('proposes nothing without a pattern, or without a time convention among the valid values', async () => {
    const free = column({ name: 't', logicalType: 'string' });
    expect(await run(db, timeFormat, synthInput(free, ['4:50 PM']), ctx(validHHMM))).toBeNull();
    // a code column that merely has a pattern: its valid values are not times
    const code = column({ name: 't', logicalType: 'string', pattern: '[A-Z]\\d{3}' });
    expect(await run(db, timeFormat, synthInput(code, ['1230']), ctx(['A123', 'B456', 'C789', 'D012', 'E345', 'F678', 'G901', 'H234', 'J567', 'K890']))).toBeNull();
    // too few valid rows to say what the convention is
    expect(await run(db, timeFormat, synthInput(HHMM, ['4:50 PM']), ctx(validHHMM.slice(0, 3)))).toBeNull();
  });

  it('in a 12-hour column, reads a time without AM/PM only when its hour says which half of the day it is', async () => {
    const H12 = column({ name: 't', logicalType: 'string', pattern: '(0[1-9]|1[0-2]):[0-5]\\d [AP]M' });
    const valid12 = Array.from({ length: 12 }, (_, h) => `${String(h + 1).padStart(2, '0')}:30 ${h % 2 ? 'PM' : 'AM'}`);
    // '7:05', '0715', '11h20', '07:10:00' may each be morning or evening on a 12-hour clock
    const values = ['7:05', '0715', '11h20', '07:10:00', '19:05', '00:30', '1830', '4:50 pm'];
    const r = await run(db, timeFormat, synthInput(H12, values), ctx(valid12, 0));
    expect(r).not.toBeNull();
    expect(await apply(db, 't', r!, values)).toEqual(['7:05', '0715', '11h20', '07:10:00', '07:05 PM', '12:30 AM', '06:30 PM', '04:50 PM']);
  });
});
