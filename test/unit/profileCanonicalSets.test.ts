// Canonical value sets (issue 11): a closed set lists the column's canonical spellings only. Three
// kinds of dirt used to become members: a flag written in another vocabulary ('True', 'Y', '1' in
// a yes/no column), a transposed pair of letters ('acitve'), and a misspelling in capitals
// ('CANCELED' beside 'cancelled'). Fixed cases, guards that real members stay, and a property
// over generated flag columns.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFile, type ContractProposal } from '../../main/contract/profile.js';
import { editDistance } from '../../main/contract/profileInfer.js';
import { openLockedDuckDB, type LockedDuckDB } from '../../main/store/duckdb.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

let db: LockedDuckDB;
let dir: string;
let n = 0;

beforeAll(async () => {
  dir = tempDir('profile-canonical');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 2 });
});
afterAll(() => db?.close());

const quote = (v: string) => (/[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);

async function profileOf(columns: Record<string, string[]>): Promise<ContractProposal> {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) lines.push(names.map((c) => quote(columns[c][i])).join(','));
  const path = join(dir, `t${++n}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return profileFile(db.conn, path, `t${n}.csv`, { scratchDir: dir });
}

const col = (p: ContractProposal, name: string) => p.columns.find((c) => c.name === name)!;
const ids = (k: number) => Array.from({ length: k }, (_, i) => String(i + 1));
/** `counts` as a column: each value repeated its count, shuffled deterministically. */
function valuesOf(counts: Record<string, number>, seed = 1): string[] {
  const out = Object.entries(counts).flatMap(([v, k]) => Array.from({ length: k }, () => v));
  const rng = seeded(seed).next;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('a flag written in several vocabularies', () => {
  it('proposes the dominant pair only; the other flag words are spellings of its members', async () => {
    // the harness hospital's emergency_service, as the profile saw it before
    const v = valuesOf({ yes: 789, no: 164, Yes: 9, True: 7, TRUE: 6, YES: 5, Y: 3, '1': 3, y: 2, False: 2, n: 2, No: 2 });
    const c = col(await profileOf({ id: ids(v.length), emergency: v }), 'emergency');
    expect(c.enum).toEqual(['no', 'yes']);
    const variants = new Map((c.enumVariants ?? []).map((x) => [x.value, x.canonical]));
    for (const w of ['True', 'TRUE', 'Y', '1', 'y', 'Yes']) expect(variants.get(w)).toBe('yes');
    for (const w of ['False', 'n', 'No']) expect(variants.get(w)).toBe('no');
  });

  it('a third value that is no flag word stays a member', async () => {
    const v = valuesOf({ yes: 500, no: 300, unknown: 150, True: 10, '0': 10 });
    const c = col(await profileOf({ id: ids(v.length), answer: v }), 'answer');
    expect(c.enum).toContain('unknown');
    expect(c.enum).not.toContain('True');
  });

  it('a two-valued column that is no flag (M / F) keeps its values as they are', async () => {
    const v = valuesOf({ M: 480, F: 470, T: 20 });
    const c = col(await profileOf({ id: ids(v.length), sex: v }), 'sex');
    expect(c.enum).toEqual(['F', 'M', 'T']);
    expect(c.enumVariants ?? []).toEqual([]);
  });

  it('two flag vocabularies of comparable weight are not folded: the top two must be one pair', async () => {
    const v = valuesOf({ yes: 300, true: 280, no: 200, false: 190 });
    const c = col(await profileOf({ id: ids(v.length), f: v }), 'f');
    expect(c.enum).toEqual(['false', 'no', 'true', 'yes']);
  });

  it('property: over 120 generated flag columns, a true/false column is boolean; otherwise the set is the dominant pair and every other flag word maps to the same truth', async () => {
    const pairs = [['yes', 'no'], ['Y', 'N'], ['true', 'false'], ['T', 'F'], ['Yes', 'No']];
    const others: Array<[string, boolean]> = [['True', true], ['FALSE', false], ['1', true], ['0', false], ['y', true], ['n', false], ['on', true], ['off', false], ['YES', true], ['No', false], ['t', true], ['f', false]];
    const rng = seeded(7).next;
    const columns: Record<string, string[]> = {};
    const expected: Record<string, { pair: string[]; minority: Array<[string, boolean]> }> = {};
    const rows = 600;
    for (let k = 0; k < 120; k++) {
      const [t, f] = pairs[Math.floor(rng() * pairs.length)];
      const share = 0.5 + rng() * 0.4;
      const minority = others.filter(([w]) => w.toLowerCase() !== t.toLowerCase() && w.toLowerCase() !== f.toLowerCase() && rng() < 0.4);
      const v: string[] = [];
      for (let i = 0; i < rows; i++) {
        if (minority.length && rng() < 0.06) v.push(minority[Math.floor(rng() * minority.length)][0]);
        else v.push(rng() < share ? t : f);
      }
      // a minority word seen once is no member either way; keep those seen twice or more
      const seen = minority.filter(([w]) => v.filter((x) => x === w).length >= 2);
      columns[`c${k}`] = v;
      expected[`c${k}`] = { pair: [t, f], minority: seen };
    }
    const p = await profileOf({ id: ids(rows), ...columns });
    for (const [name, e] of Object.entries(expected)) {
      const c = col(p, name);
      // true/false and T/F are the boolean type's own words: such a column is typed, not a set
      if (['true', 't'].includes(e.pair[0].toLowerCase())) { expect(c.inferredType, name).toBe('boolean'); continue; }
      expect(c.enum, name).toEqual([...e.pair].sort());
      const variants = new Map((c.enumVariants ?? []).map((x) => [x.value, x.canonical]));
      for (const [w, truth] of e.minority) expect(variants.get(w), `${name}: ${w}`).toBe(truth ? e.pair[0] : e.pair[1]);
    }
  }, 120_000);
});

describe('misspellings left out of a set', () => {
  it('a transposed pair of letters is one edit', () => {
    expect(editDistance('acitve', 'active')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abc', 'cab')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('a rare transposition and a rare misspelling in capitals are left out, not members', async () => {
    const v = valuesOf({ active: 480, cancelled: 450, inactive: 450, pending: 440, acitve: 2, CANCELED: 4, canceled: 5 });
    const c = col(await profileOf({ id: ids(v.length), status: v }), 'status');
    expect(c.enum).toEqual(['active', 'cancelled', 'inactive', 'pending']);
    expect(c.enumExcluded).toEqual(expect.arrayContaining(['acitve', 'CANCELED', 'canceled']));
  });

  it('real members that differ by a transposition but are both common stay members', async () => {
    const v = valuesOf({ form: 300, from: 280, other: 200 });
    const c = col(await profileOf({ id: ids(v.length), w: v }), 'w');
    expect(c.enum).toEqual(['form', 'from', 'other']);
  });

  it('short codes are compared as written: a rare \'kB\' beside a common \'KiB\', \'A1B\' beside \'AB1\' stay members', async () => {
    const units = valuesOf({ KiB: 900, MiB: 880, kB: 12 });
    expect(col(await profileOf({ id: ids(units.length), unit: units }), 'unit').enum).toEqual(['KiB', 'MiB', 'kB']);
    const codes = valuesOf({ AB1: 900, CD2: 880, A1B: 12 });
    expect(col(await profileOf({ id: ids(codes.length), code: codes }), 'code').enum).toEqual(['A1B', 'AB1', 'CD2']);
  });

  it('a rare real member unlike every other stays a member (no frequency gap rule)', async () => {
    // the public hospital's states: 'ak' is 49 times rarer than 'al', and real
    const v = valuesOf({ al: 980, ak: 20 });
    const c = col(await profileOf({ id: ids(v.length), state: v }), 'state');
    expect(c.enum).toEqual(['ak', 'al']);
  });
});
