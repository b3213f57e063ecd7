// A value written in another letter case than the column's form, where the column also holds
// the same value in that form ('Aa1234' beside 'AA1234', the same flight from another source),
// is a case variant: dirt, and it must not widen the proposed pattern ([A-Z]{2}\d+ into
// [A-Za-z0-9]+), however common it is. A case convention of its own (values that exist only in
// that case) stays accepted: see profileCaseVariantHarm.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFile, type ContractProposal } from '../../main/contract/profile.js';
import { openLockedDuckDB, type LockedDuckDB } from '../../main/store/duckdb.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

let db: LockedDuckDB;
let dir: string;
let n = 0;
beforeAll(async () => {
  dir = tempDir('profile-case-twins');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 2 });
});
afterAll(() => db?.close());

async function profileOf(name: string, values: string[]): Promise<ContractProposal> {
  const path = join(dir, `c${++n}.csv`);
  writeFileSync(path, `id,${name}\n${values.map((v, i) => `${i + 1},${v}`).join('\n')}\n`);
  return profileFile(db.conn, path, `c${n}.csv`, { scratchDir: dir });
}

const matches = (pattern: string | undefined, v: string) => pattern !== undefined && new RegExp(`^(?:${pattern})$`).test(v);
const AIRLINES = ['AA', 'DL', 'UA', 'WN', 'B6', 'AS', 'NK', 'F9'];

/** Reports of flights: each flight reported `perFlight` times; `variantShare` of reports written in another case. */
function reports(r: Rng, flights: number, perFlight: number, variantShare: number, variant: (v: string) => string): { values: string[]; clean: string[]; variants: string[] } {
  const clean: string[] = [];
  const used = new Set<string>();
  while (clean.length < flights) {
    const f = `${r.pick(AIRLINES.filter((a) => /^[A-Z]{2}$/.test(a)))}${r.int(100, 9999)}`;
    if (!used.has(f)) { used.add(f); clean.push(f); }
  }
  const values: string[] = [];
  const variants: string[] = [];
  for (const f of clean) {
    for (let k = 0; k < perFlight; k++) {
      if (r.chance(variantShare)) { const v = variant(f); values.push(v); variants.push(v); } else values.push(f);
    }
  }
  return { values, clean, variants };
}

const titleCase = (v: string) => v[0] + v.slice(1).toLowerCase();

describe('case variants of the column\'s own values', () => {
  it('flight codes with 8% of reports in title case: the pattern is the form, and rejects the variants', async () => {
    const { values, clean, variants } = reports(seeded(11), 600, 4, 0.08, titleCase);
    const p = (await profileOf('flight', values)).columns.find((c) => c.name === 'flight')!;
    expect(clean.every((v) => matches(p.pattern, v)), p.pattern).toBe(true);
    expect(variants.length).toBeGreaterThan(50);
    expect(variants.filter((v) => matches(p.pattern, v)), p.pattern).toEqual([]);
  });

  it('property: 40 tables, variants at 3% to 15% in lower or title case, are rejected; every clean value accepted', async () => {
    const r = seeded(12);
    for (let t = 0; t < 40; t++) {
      const share = 0.03 + r.next() * 0.12;
      const variant = r.chance(0.5) ? titleCase : (v: string) => v.toLowerCase();
      const { values, clean, variants } = reports(r, 300, 3 + r.int(0, 2), share, variant);
      const p = (await profileOf('flight', values)).columns.find((c) => c.name === 'flight')!;
      const tag = `table ${t}, share ${share.toFixed(3)}: ${p.pattern}`;
      expect(clean.every((v) => matches(p.pattern, v)), tag).toBe(true);
      expect(variants.filter((v) => matches(p.pattern, v)), tag).toEqual([]);
    }
  }, 120_000);

  it('two case conventions of comparable weight holding the same values are both accepted', async () => {
    // half the reports upper case, nearly half lower: neither is four times the other
    const { values } = reports(seeded(13), 400, 4, 0.45, (v) => v.toLowerCase());
    const p = (await profileOf('flight', values)).columns.find((c) => c.name === 'flight')!;
    expect(values.every((v) => matches(p.pattern, v)), p.pattern).toBe(true);
  });

  it('a case convention whose values exist only in that case (another airline writing its own codes) stays accepted', async () => {
    const r = seeded(14);
    const upper = reports(r, 500, 4, 0, (v) => v).values;
    const own = Array.from({ length: 300 }, (_, i) => `Xq${1000 + i}`); // 13% of values, none an upper-case twin
    const values = [...upper, ...own];
    const p = (await profileOf('flight', values)).columns.find((c) => c.name === 'flight')!;
    expect(values.every((v) => matches(p.pattern, v)), p.pattern).toBe(true);
  });
});
