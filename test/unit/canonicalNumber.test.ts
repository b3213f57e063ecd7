// The per-value reading of separators in an amount (strategies/currencyOfRow.ts) must never read
// a number as another one: over thousands of amounts written in the US and the European style,
// with and without grouping, each reading is either the amount itself or NULL (left for the
// analyst), and the forms that can only be read one way are always read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection, listValue, LIST, VARCHAR } from '@duckdb/node-api';
import { canonicalNumberSql } from '../../main/remediate/strategies/currencyOfRow.js';
import { seeded } from '../helpers/seeded.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => instance.closeSync());

function group(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

interface Written { text: string; value: string; unambiguous: boolean }

/** One amount written one way; `unambiguous` when no other convention reads the text as a number. */
function write(int: string, frac: string, style: 'us' | 'eu', grouped: boolean): Written {
  const [g, d] = style === 'us' ? [',', '.'] : ['.', ','];
  const whole = grouped ? group(int, g) : int;
  const text = frac ? `${whole}${d}${frac}` : whole;
  const value = frac ? `${int}.${frac}` : int;
  const groups = (whole.match(/[.,]/g) ?? []).length;
  // A single separator followed by exactly three digits is a group or a decimal mark: two readings.
  const lone3 = !frac && groups === 1 && int.length > 3;
  const fracAlone3 = frac.length === 3 && groups === 0 && int.length <= 3;
  return { text, value, unambiguous: !lone3 && !fracAlone3 };
}

async function read(texts: string[]): Promise<Array<string | null>> {
  const r = await conn.runAndReadAll(`SELECT list_transform($1, x -> ${canonicalNumberSql('x')}) AS v`, [listValue(texts)], [LIST(VARCHAR)]);
  return r.getRowObjectsJS()[0].v as Array<string | null>;
}

describe('reading the separators of one amount', () => {
  it('reads every amount as itself or not at all, over 5,000 random forms', async () => {
    const rng = seeded(20261207);
    const cases: Written[] = [];
    for (let i = 0; i < 5000; i++) {
      const digits = rng.int(1, 9);
      const int = String(rng.int(1, 9)) + Array.from({ length: digits - 1 }, () => String(rng.int(0, 9))).join('');
      const fracLen = [0, 0, 1, 2, 2, 3, 4][rng.int(0, 6)];
      const frac = Array.from({ length: fracLen }, () => String(rng.int(0, 9))).join('');
      cases.push(write(int, frac, rng.chance(0.5) ? 'us' : 'eu', rng.chance(0.6)));
    }
    const got = await read(cases.map((c) => c.text));
    const wrong = cases.map((c, i) => ({ ...c, got: got[i] })).filter((c) => c.got !== null && Number(c.got) !== Number(c.value));
    expect(wrong.slice(0, 5)).toEqual([]);
    const unread = cases.map((c, i) => ({ ...c, got: got[i] })).filter((c) => c.got === null && c.unambiguous && /[.,]/.test(c.text) === false);
    expect(unread.slice(0, 5)).toEqual([]);
    // Most forms with a separator say which one it is: they are read.
    const readable = cases.filter((c) => c.unambiguous);
    const readCount = readable.filter((c) => got[cases.indexOf(c)] !== null).length;
    expect(readCount / readable.length).toBeGreaterThan(0.75);
  });

  it('leaves the forms that read two ways, and reads the ones that prove their reading', async () => {
    const texts = ['1,234', '1.234', '12,345', '999.999', '1,234.50', '1.234,50', '12,5', '12,50', '0,5', '1,234,567', '1.234.567', '1234.567', '1234,567', '7', '1,2,3', '1..2', '12.'];
    expect(await read(texts)).toEqual([null, null, null, null, '1234.50', '1234.50', '12.5', '12.50', '0.5', '1234567', '1234567', '1234.567', '1234.567', '7', null, null, null]);
  });
});
