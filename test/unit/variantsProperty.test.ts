// Seeded property test of the variant-spelling detector (validate/variants.ts): over many random
// categorical columns with injected case/spacing variants and one-letter typos, every value it
// names is an injected variant and is mapped to the very value it was derived from (zero wrong
// changes), and nearly every case/spacing variant of a well-supported value is found. Legitimate
// look-alikes (two supported values one letter apart, short codes, a changed digit or first
// letter) and a column
// of unique free text are never named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { queryRows } from '../../main/store/duckdb.js';
import { MAX_TYPO_PAIRS, variantEligible, variantsSql, withBatchVariants } from '../../main/validate/variants.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { column, contractFor, openDb } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const LETTERS = 'abcdefghijklmnoprstuvwy';
const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
function word(rng: Rng, min = 3, max = 8): string {
  return Array.from({ length: rng.int(min, max) }, () => rng.pick([...LETTERS])).join('');
}
function category(rng: Rng): string {
  return Array.from({ length: rng.int(2, 3) }, () => cap(word(rng))).join(' ');
}

function caseOrSpacing(rng: Rng, v: string): string {
  switch (rng.int(0, 4)) {
    case 0: return v.toUpperCase();
    case 1: return v.toLowerCase();
    case 2: return v.replace(' ', '  ');
    case 3: return `${rng.pick([' ', '\t'])}${v}${rng.pick([' ', ''])}`;
    default: return v.split(' ').map((w, i) => (i === 1 ? w.toLowerCase() : w)).join(' ');
  }
}

function oneEdit(rng: Rng, v: string): string {
  const i = rng.int(1, v.length - 2);
  if (v[i] === ' ' || v[i - 1] === ' ') return v.slice(0, i) + v[i] + v.slice(i); // doubled letter or space
  switch (rng.int(0, 2)) {
    case 0: return v.slice(0, i) + v.slice(i + 1); // dropped letter
    case 1: return v.slice(0, i) + v[i] + v.slice(i); // doubled letter
    default: {
      const c = rng.pick([...LETTERS].filter((x) => x !== v[i].toLowerCase()));
      return v.slice(0, i) + c + v.slice(i + 1); // replaced letter
    }
  }
}

async function detect(values: string[], name = 'c'): Promise<Array<{ from: string; to: string; how: string }>> {
  const conn = db.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE _col AS SELECT unnest($1) AS ${name}`, [listValue(values)], [LIST(VARCHAR)]);
  return queryRows(conn, variantsSql(column({ name }), '_col'));
}

interface Generated { values: string[]; origin: Map<string, string>; collisions: Set<string>; typos: Set<string> }

function generate(rng: Rng): Generated {
  const frequent = new Map<string, number>();
  while (frequent.size < rng.int(4, 25)) frequent.set(category(rng), rng.int(3, 80));
  const values: string[] = [];
  for (const [v, n] of frequent) for (let k = 0; k < n; k++) values.push(v);
  const clean = new Set(frequent.keys());
  // Legitimate look-alikes: a supported value one letter from another, a rare short code next to
  // a frequent one, a rare value one digit from a frequent one, rare unrelated categories.
  const [first] = frequent.keys();
  const at = [...first].findIndex((ch, i) => i > 0 && ch !== ' ');
  const sibling = first.slice(0, at) + (first[at] === 'z' ? 'y' : 'z') + first.slice(at + 1); // 'z' is no letter of the words
  if (!clean.has(sibling)) {
    for (let k = 0; k < 3 + rng.int(0, 5); k++) values.push(sibling);
    clean.add(sibling);
  }
  // a rare value one first letter away from a frequent one (Cortland, Portland): another value
  const [, second] = frequent.keys();
  if (second) values.push((second[0] === 'Z' ? 'Y' : 'Z') + second.slice(1));
  for (let k = 0; k < 20; k++) values.push('IPA');
  values.push('APA');
  for (let k = 0; k < 15; k++) values.push('Zone 12 North');
  values.push('Zone 13 North');
  for (let k = 0; k < rng.int(0, 6); k++) values.push(category(rng));
  ['IPA', 'APA', 'Zone 12 North', 'Zone 13 North'].forEach((v) => clean.add(v));
  for (const v of values) clean.add(v);

  const origin = new Map<string, string>();
  const collisions = new Set<string>();
  const typos = new Set<string>();
  for (const [v, n] of frequent) {
    if (v === first) continue; // its sibling makes the origin of a typo ambiguous
    const variants = rng.int(0, 2);
    for (let k = 0; k < variants; k++) {
      const typo = rng.chance(0.4);
      const dirty = typo ? oneEdit(rng, v) : caseOrSpacing(rng, v);
      if (clean.has(dirty) || origin.has(dirty) || dirty === v) continue;
      origin.set(dirty, v);
      values.push(dirty);
      if (!typo) {
        if (n >= 10) collisions.add(dirty);
      } else typos.add(dirty);
    }
  }
  // shuffle
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return { values, origin, collisions, typos };
}

describe('variant-spelling detector (seeded property)', () => {
  it('never names a clean value, maps each variant to its own origin, and finds the case/spacing variants', async () => {
    let collisions = 0, found = 0, typos = 0, typosFound = 0, named = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rng = seeded(seed);
      const g = generate(rng);
      const out = await detect(g.values);
      for (const r of out) {
        named += 1;
        // a wrong change is a value that was not injected, or one sent elsewhere than its origin
        expect({ seed, from: r.from, to: g.origin.get(r.from) ?? '(clean value)' }).toEqual({ seed, from: r.from, to: r.to });
      }
      const names = new Set(out.map((r) => r.from));
      collisions += g.collisions.size;
      found += [...g.collisions].filter((v) => names.has(v)).length;
      typos += g.typos.size;
      typosFound += [...g.typos].filter((v) => names.has(v)).length;
    }
    expect(named).toBeGreaterThan(50);
    expect(found / collisions).toBeGreaterThanOrEqual(0.95);
    // typos are found more cautiously; most still are
    expect(typosFound / typos).toBeGreaterThanOrEqual(0.5);
  }, 120_000);

  it('never reads a column of mostly unique free text for rare spellings, whatever repeats in it; only a value written unlike the column', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rng = seeded(100 + seed);
      const values = Array.from({ length: 300 }, () => `${cap(word(rng))} ${cap(word(rng))}`);
      for (let k = 0; k < 12; k++) values.push('Summer Ale');
      // the typo is never read in free text; the upper-case value departs from the column's case
      values.push('SUMMER ALE', 'Sumer Ale');
      expect((await detect(values, 'name')).map((v) => [v.from, v.to, v.how])).toEqual([['SUMMER ALE', 'Summer Ale', 'case-departure']]);
    }
  });
});

describe('codes are not words', () => {
  it('never reads a code one letter off a frequent code as its typo', async () => {
    const rng = seeded(5);
    const L = 'ABCEGHJKLMNPRSTVXY';
    const code = () => `${rng.pick([...L])}${rng.int(0, 9)}${rng.pick([...L])} ${rng.int(0, 9)}${rng.pick([...L])}${rng.int(0, 9)}`;
    const values: string[] = [];
    const codes = Array.from({ length: 20 }, code);
    for (const c of codes) for (let k = 0; k < 10; k++) values.push(c);
    // rare codes one letter from a frequent one: other postal codes, not typos
    for (const c of codes.slice(0, 5)) values.push(c.slice(0, 2) + (c[2] === 'Z' ? 'W' : 'Z') + c.slice(3));
    expect(await detect(values, 'zip')).toEqual([]);
  });
});

describe('a bounded typo pass', () => {
  it('past the bound looks for key collisions only', async () => {
    const rng = seeded(9);
    const hex = (n: number) => Array.from({ length: n }, () => rng.pick([...'abcdefghjkmnpqrstuvwxyz'])).join('');
    const frequent = Array.from({ length: 1100 }, () => `Category ${hex(8)}`);
    const values = frequent.flatMap((v) => [v, v, v, v, v]);
    const rare = Array.from({ length: Math.ceil(MAX_TYPO_PAIRS / frequent.length) + 50 }, () => `Rarething ${hex(7)}`);
    values.push(...rare, frequent[0].toUpperCase(), frequent[1].slice(0, 12) + frequent[1].slice(13));
    const col = column({ name: 'c' });
    await db.conn.run('CREATE OR REPLACE TEMP TABLE _col AS SELECT unnest($1) AS c', [listValue(values)], [LIST(VARCHAR)]);
    // under no bound, both the case variant and the dropped letter are found
    expect((await queryRows<{ how: string }>(db.conn, variantsSql(col, '_col'))).map((r) => r.how).sort()).toEqual(['key-collision', 'near-typo']);
    const found = (await withBatchVariants(db.conn, contractFor(col), '_col')).columns[0].variants ?? [];
    expect(found.map((v) => [v.from, v.to, v.how])).toEqual([[frequent[0].toUpperCase(), frequent[0], 'key-collision']]);
  }, 120_000);
});

describe('which columns the detector reads', () => {
  it('never a key, personal data, a closed set, a non-text type, a dependent, or a column or table turned off', () => {
    const ok = column({ name: 'style' });
    expect(variantEligible(contractFor(ok), ok)).toBe(true);
    for (const col of [
      column({ name: 'style', primaryKey: true }), column({ name: 'style', unique: true }), column({ name: 'style', pii: 'name' }),
      column({ name: 'style', enum: ['a', 'b'] }), column({ name: 'style', logicalType: 'integer' }), column({ name: 'style', variantCheck: false }),
    ]) expect(variantEligible(contractFor(col), col)).toBe(false);
    expect(variantEligible({ ...contractFor(ok), variantCheck: false }, ok)).toBe(false);
    expect(variantEligible({ ...contractFor(ok), fds: [{ determinant: ['id'], dependent: ['style'] }] }, ok)).toBe(false);
  });
});

describe('the form of free text (seeded property)', () => {
  it('re-cases and re-spaces exactly the values written unlike the column, each to its own origin, and nothing else', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rng = seeded(300 + seed);
      // a vocabulary with fixed casings: capitalised words, an acronym, a small word in lower case
      const vocab = [...Array.from({ length: 40 }, () => cap(word(rng))), 'IPA', 'of'];
      const values = Array.from({ length: 400 }, () => Array.from({ length: rng.int(2, 4) }, () => rng.pick(vocab)).join(' '));
      const origin = new Map<string, string>();
      for (let k = 0; k < 8; k++) {
        const v = values[rng.int(0, values.length - 1)];
        const dirty = [v.toUpperCase(), v.toLowerCase(), `\t${v.toUpperCase()} `][k % 3];
        if (dirty === v || values.includes(dirty)) continue;
        origin.set(dirty, v);
        values.push(dirty);
      }
      const found = await detect(values, 'title');
      expect(new Map(found.map((f) => [f.from, f.to]))).toEqual(origin);
    }
  }, 120_000);
});

describe('re-casing never invents a spelling', () => {
  it('leaves an upper-case value the column already spells its own way, even off its word-by-word casing', async () => {
    const rep = (v: string, n: number) => Array.from({ length: n }, () => v);
    // the column writes 'of' and 'the' in lower case, but this one name as 'Lake Of The Woods'
    const values = [...rep('Pale Ale', 20), ...rep('Lake of the Woods Lager', 10), ...rep('Bell of the Ball', 10),
      ...rep('Lake Of The Woods', 2), 'LAKE OF THE WOODS', 'BELL OF THE BALL'];
    const found = await detect(values, 'title');
    expect(found.map((f) => [f.from, f.to])).toEqual([['BELL OF THE BALL', 'Bell of the Ball']]);
  });
});

describe('stray white space is not layout', () => {
  it('never re-spaces a value that passes its checks: lines, doubled spaces and edges arrive as delivered', async () => {
    const values = [...Array.from({ length: 100 }, (_, i) => `${i} Main Street`), '5 Oak Road\nSpringfield', 'Line one\r\nLine two', '7  Elm Lane', '9 Ash Way\n'];
    const found = await detect(values, 'address');
    expect(found.map((f) => [f.from, f.to])).toEqual([]);
  });
});
