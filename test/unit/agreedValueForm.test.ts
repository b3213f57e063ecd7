// A dependency vote left undecided between two values is decided by their form only when one is
// plainly a corrupted spelling of the other: stray white space, a departure from the column's case
// convention, or a misspelling (a word no other group writes) of a value the column attests. A
// real disagreement (two well-formed, attested or distant values), a code, a number or a short
// value stays undecided. A sibling that is only a misspelt copy of its group's value does not make
// the determinant suspect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompileContext } from '../../main/remediate/rules/compileRule.js';
import type { AgreedValueRule } from '../../main/remediate/rules/ruleTypes.js';
import { applyRule, contractOf, tableOf } from '../helpers/agreedValue.js';
import { seeded } from '../helpers/seeded.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const rule = (column: string, determinant = 'id'): AgreedValueRule => ({ kind: 'agreedValue', column, determinants: [[determinant]], minSupport: 2, minMargin: 0.1 });

/** Other groups of the column, all well formed and in mixed case: they set its convention and vocabulary. */
const background = ['Springfield Brewing Company', 'Shelbyville Beer Works', 'Ogden Ale House', 'Capital Brewery', 'North Haverbrook Beer Company', 'Cape Town Brewing']
  .flatMap((name, i) => [0, 1, 2].map(() => ({ id: `b${i}`, name, city: ['Portland', 'Denver', 'Austin', 'Boston', 'Tucson', 'Chicago'][i] })));

async function decide(pairs: Array<[string, string]>, column: 'name' | 'city' = 'name'): Promise<Array<[string | null, string | null]>> {
  const contract = contractOf(['id', 'name', 'city'], [[['id'], ['name', 'city']]]);
  const rows = [...background, ...pairs.flatMap(([a, b], i) => [
    { id: `p${i}`, name: column === 'name' ? a : 'Pair Brewing', city: column === 'city' ? a : 'Reno' },
    { id: `p${i}`, name: column === 'name' ? b : 'Pair Brewing', city: column === 'city' ? b : 'Reno' },
  ])];
  await tableOf(conn, 'ev', ['id', 'name', 'city'], rows);
  const ctx: CompileContext = { contract, runId: 'r', evidence: 'ev' };
  const out = await applyRule(conn, rule(column), ctx, 'ev');
  return pairs.map((_, i) => [out.get(background.length + 2 * i + 1) ?? null, out.get(background.length + 2 * i + 2) ?? null]);
}

describe('agreedValue: two values, one a corrupted spelling of the other', () => {
  it('the well-formed spelling wins over stray white space, and the case convention over a departure', async () => {
    expect(await decide([
      ['Armadillo Ale Works', ' ARMADILLO ALE WORKS'],
      ['  Barrio  Brewing Company ', 'Barrio Brewing Company'],
      ['Lost Nation Brewing', 'LOST NATION BREWING'],
      ['vault brewing company', 'Vault Brewing Company'],
    ])).toEqual([
      ['Armadillo Ale Works', 'Armadillo Ale Works'],
      ['Barrio Brewing Company', 'Barrio Brewing Company'],
      ['Lost Nation Brewing', 'Lost Nation Brewing'],
      ['Vault Brewing Company', 'Vault Brewing Company'],
    ]);
  });

  it('a misspelling (a word nobody else writes) loses to the value whose words the column attests', async () => {
    expect(await decide([['Cape Cod Bere', 'Cape Cod Beer'], ['Ogden Brewing Compnay', 'Ogden Brewing Company']]))
      .toEqual([['Cape Cod Beer', 'Cape Cod Beer'], ['Ogden Brewing Company', 'Ogden Brewing Company']]);
    expect(await decide([['Bostn', 'Boston']], 'city')).toEqual([['Boston', 'Boston']]);
  });

  it('one character replaced wherever it occurs is one corruption, however many edits it makes', async () => {
    // Hospital's corruption: a character (a space, a letter) replaced by `x` in every place it
    // occurs; three or more edits in a short value, over the few a misspelling is allowed.
    expect(await decide([
      ['Ogdxn Alx Housx', 'Ogden Ale House'],
      ['Cape Town Brewing', 'CapexTownxBrewing'],
      ['287 Ogden Ale House', '287xOgdenxAlexHouse'], // the house number is nobody else's: no sign of a misspelling
      ['Shelbyville Beer Works', 'Shexbyvixxe Beer Works'],
      // words nobody else writes, but the replacement merged the x of box with the spaces: it
      // cannot be undone by one replacement, so it tells which value came first
      ['po box 287', 'poxboxx287'],
    ])).toEqual([
      ['Ogden Ale House', 'Ogden Ale House'],
      ['Cape Town Brewing', 'Cape Town Brewing'],
      ['287 Ogden Ale House', '287 Ogden Ale House'],
      ['Shelbyville Beer Works', 'Shelbyville Beer Works'],
      ['po box 287', 'po box 287'],
    ]);
  });

  it('a replacement that does not account for every difference, or leaves both values attested, decides nothing', async () => {
    const pairs: Array<[string, string]> = [
      ['Ogdxn Alx Housz', 'Ogden Ale House'], // two characters replaced, five edits: not one corruption
      ['Cape Town', 'Capx Towz'], // e to x and n to z, in a value short enough to allow one edit
      ['287 Cape Town', '2x7 Capx Towx'], // 8, e and n all to x
      ['Cape Town Brewing', 'CapexTownxBrewing Co'], // not the same length
      ['Lakeview Taproom', 'Lakeviex Taproom'], // one edit, but neither value attested and w to x undoes it
      ['Kettle Hollow', 'Kettxe Hoxxow'], // l to x throughout: x to l undoes it, and Kettle Hollow is nobody else's
    ];
    expect(await decide(pairs)).toEqual(pairs);
    // a digit-only difference is not a misspelling: neither value holds an unattested word
    const numbers: Array<[string, string]> = [['128 Ogden Ale House', '188 Ogden Ale House']];
    expect(await decide(numbers)).toEqual(numbers);
  });

  it('a real disagreement, two attested values, a short value, a number or a code stays undecided', async () => {
    const pairs: Array<[string, string]> = [
      ['Capital Brewery', 'Ogden Ale House'], // two attested, distant values
      ['Springfield Brewing', 'Springfield Brewery'], // both of attested words, one edit apart
      ['Cape Cod Bere', 'Cape Cod Berr'], // both misspelt: nothing to prefer
      ['Hilo Beer Co', 'Mauna Kea Brewing'], // unattested truth beside a distant value
      ['McDonald Ales', 'Mcdonald Ales'], // same case class: the convention cannot tell
    ];
    expect(await decide(pairs)).toEqual(pairs);
    const cities: Array<[string, string]> = [['Tucson', 'Portland'], ['Rome', 'Rone'], ['10:45', '10:47'], ['AB-1234', 'AB-1284']];
    expect(await decide(cities, 'city')).toEqual(cities);
  });

  it('form never outvotes a plurality', async () => {
    const contract = contractOf(['id', 'name', 'city'], [[['id'], ['name', 'city']]]);
    await tableOf(conn, 'ev', ['id', 'name', 'city'], [...background,
      { id: 'q', name: 'SMITH ALES', city: 'Reno' }, { id: 'q', name: 'SMITH ALES', city: 'Reno' }, { id: 'q', name: 'SMITH ALES', city: 'Reno' },
      { id: 'q', name: 'Smith Ales', city: 'Reno' }, { id: 'q', name: 'Smith Ales', city: 'Reno' }]);
    const out = await applyRule(conn, rule('name'), { contract, runId: 'r', evidence: 'ev' }, 'ev');
    const n = background.length;
    // 3 to 2 at a 10% margin is a plurality: it decides, whatever the form
    expect([1, 2, 3, 4, 5].map((i) => out.get(n + i))).toEqual(['SMITH ALES', 'SMITH ALES', 'SMITH ALES', 'SMITH ALES', 'SMITH ALES']);
  });

  it('seeded: a corrupted spelling never wins, over many generated pairs', async () => {
    const rng = seeded(20261202);
    const rnd = () => rng.next();
    const words = ['River', 'Stone', 'Hill', 'Brewing', 'Company', 'Beer', 'Works', 'Valley', 'Golden', 'Cellar'];
    const pick = () => words[Math.floor(rnd() * words.length)];
    const corrupt = (v: string): string => {
      const k = Math.floor(rnd() * 4);
      if (k === 0) return ` ${v.toUpperCase()}`;
      if (k === 1) return v.replace(' ', '  ');
      if (k === 3) { // one character replaced wherever it occurs
        const c = v[Math.floor(rnd() * v.length)];
        return v.split(c).join(rnd() < 0.5 ? 'x' : 'q');
      }
      const i = 1 + Math.floor(rnd() * (v.length - 2));
      return `${v.slice(0, i)}${v[i + 1]}${v[i]}${v.slice(i + 2)}`; // a swap of two letters
    };
    const pairs: Array<[string, string]> = [];
    const truths: string[] = [];
    for (let i = 0; i < 60; i++) {
      const truth = `${pick()} ${pick()} ${pick()}`;
      const bad = corrupt(truth);
      if (bad === truth) continue;
      pairs.push(rnd() < 0.5 ? [truth, bad] : [bad, truth]);
      truths.push(truth);
    }
    const out = await decide(pairs);
    out.forEach(([x, y], i) => {
      const [a, b] = pairs[i];
      // each cell either keeps its own value (undecided) or takes the truth: never the corruption
      for (const [got, own] of [[x, a], [y, b]] as const) expect(got === own || got === truths[i], `${a} | ${b} -> ${got}`).toBe(true);
    });
    // and the evidence is used: most pairs are settled on their truth
    const settled = out.filter(([x, y], i) => x === truths[i] && y === truths[i]).length;
    expect(settled).toBeGreaterThan(pairs.length * 0.6);
  });
});

describe('agreedValue: determinant suspicion reads spelling variants as agreement', () => {
  it('a row whose sibling is its group\'s value but for white space is not suspect', async () => {
    const contract = contractOf(['id', 'name', 'city', 'state'], [[['id'], ['name', 'city', 'state']]]);
    const group = Array.from({ length: 5 }, () => ({ id: 'g', name: 'Brewery Vivant', city: 'Grand Rapids', state: 'MI' }));
    await tableOf(conn, 'ev', ['id', 'name', 'city', 'state'], [...group, { id: 'g', name: '  Brewery  Vivant', city: 'Grand Rapidz', state: 'XX' }]);
    const out = await applyRule(conn, { ...rule('state'), determinants: [['id']] }, { contract, runId: 'r', evidence: 'ev' }, 'ev');
    expect(out.get(6)).toBe('MI');
    // two real disagreements besides the rule's column still make it suspect
    await tableOf(conn, 'ev', ['id', 'name', 'city', 'state'], [...group, { id: 'g', name: 'Founders Brewing', city: 'Grand Rapidz', state: 'XX' }]);
    const again = await applyRule(conn, { ...rule('state'), determinants: [['id']] }, { contract, runId: 'r', evidence: 'ev' }, 'ev');
    expect(again.get(6)).toBe('XX');
  });
});
