// The generalisation harness's error injector (bench/general/inject.ts): deterministic per seed,
// every injected cell is an error to the public scorer, the log is exactly the cell diff, and
// the key column (the scorer's row match) is never touched.
import { describe, expect, it } from 'vitest';
import { parseCsv, same, toCsv } from '../../bench/general/csv.js';
import { inject } from '../../bench/general/inject.js';
import { CORRUPT, type KindContext } from '../../bench/general/kinds.js';
import { BASE_TABLES } from '../../bench/general/tables/index.js';
import { KINDS, type Kind, type Table } from '../../bench/general/types.js';
import { seeded } from '../helpers/seeded.js';

// small slices keep the file fast; hospital/beers come from ../shared/bench, the others are generated
const tables = Object.fromEntries(Object.entries(BASE_TABLES).map(([n, b]) => {
  const t = b.load();
  return [n, { base: b, clean: { header: t.header, rows: t.rows.slice(0, 600) } as Table }];
}));
const RATES = [0.03, 0.08, 0.15];

describe('error injector', () => {
  it('is deterministic per seed, and another seed gives another table', () => {
    for (const { base, clean } of Object.values(tables)) {
      const a = inject(clean, base.roles, { rate: 0.08, seed: 42 });
      const b = inject(clean, base.roles, { rate: 0.08, seed: 42 });
      expect(toCsv(a.dirty)).toBe(toCsv(b.dirty));
      expect(a.log).toEqual(b.log);
      expect(toCsv(inject(clean, base.roles, { rate: 0.08, seed: 43 }).dirty)).not.toBe(toCsv(a.dirty));
    }
  });

  it('logs exactly the cells that differ from the clean table, each an error under the scorer\'s same()', () => {
    for (const [name, { base, clean }] of Object.entries(tables)) {
      for (const rate of RATES) {
        const { dirty, log } = inject(clean, base.roles, { rate, seed: 7 });
        expect(dirty.header).toEqual(clean.header);
        expect(dirty.rows.length).toBe(clean.rows.length);
        const diff = new Map<string, { clean: string; dirty: string }>();
        clean.rows.forEach((r, i) => r.forEach((v, j) => {
          if (dirty.rows[i][j] !== v) diff.set(`${r[0]}|${clean.header[j]}`, { clean: v, dirty: dirty.rows[i][j] });
        }));
        const logged = new Map(log.map((l) => [`${l.key}|${l.column}`, { clean: l.clean, dirty: l.dirty }]));
        expect(logged.size, `${name}@${rate}: a cell logged twice`).toBe(log.length);
        expect(logged, `${name}@${rate}`).toEqual(diff);
        for (const l of log) expect(same(l.dirty, l.clean), `${name} ${JSON.stringify(l)}`).toBe(false);
        // the rate is a share of the eligible cells; a two-cell kind may overshoot by one
        const eligible = base.roles.header.filter((h, j) => j > 0 && base.roles.columns[h]?.kinds.length).length;
        expect(Math.abs(log.length - Math.round(rate * eligible * clean.rows.length))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('never touches the key column', () => {
    for (const { base, clean } of Object.values(tables)) {
      const { dirty, log } = inject(clean, base.roles, { rate: 0.15, seed: 3 });
      expect(dirty.rows.map((r) => r[0])).toEqual(clean.rows.map((r) => r[0]));
      expect(log.some((l) => l.column === clean.header[0])).toBe(false);
    }
  });

  it('puts several errors in most error rows (two to four at once), never more than four', () => {
    const { base, clean } = tables.customers;
    const perRow = new Map<string, number>();
    for (const l of inject(clean, base.roles, { rate: 0.08, seed: 5 }).log) perRow.set(l.key, (perRow.get(l.key) ?? 0) + 1);
    const counts = [...perRow.values()];
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    expect(counts.filter((c) => c >= 2).length / counts.length).toBeGreaterThan(0.5);
  });

  it('uses every kind somewhere, and a kind only in a column whose role lists it', () => {
    const seen = new Set<Kind>();
    for (const { base, clean } of Object.values(tables)) {
      for (const l of inject(clean, base.roles, { rate: 0.15, seed: 9 }).log) {
        seen.add(l.kind);
        const role = base.roles.columns[l.column];
        // swap and glued change a second cell: the partner column named by the first one's role
        const partner = Object.values(base.roles.columns).some((r) => (l.kind === 'swap' && r.swapWith === l.column) || (l.kind === 'glued' && r.glueFrom === l.column));
        expect(role?.kinds.includes(l.kind) || partner, `${l.kind} in ${l.column}`).toBe(true);
      }
    }
    expect([...seen].sort()).toEqual([...KINDS].sort());
  });

  it('writes a dirty table that reads back cell for cell (padding and separators survive the CSV)', () => {
    for (const { base, clean } of Object.values(tables)) {
      const { dirty } = inject(clean, base.roles, { rate: 0.15, seed: 11 });
      const back = parseCsv(toCsv(dirty));
      expect(back).toEqual([dirty.header, ...dirty.rows]);
    }
  });
});

describe('kind functions', () => {
  it('each kind, wherever its role allows it, yields only values the scorer counts as errors', () => {
    const rng = seeded(1);
    for (const { base, clean } of Object.values(tables)) {
      const { header } = base.roles;
      const pools = header.map((_, c) => [...new Set(clean.rows.map((r) => r[c]))]);
      for (const [column, role] of Object.entries(base.roles.columns)) {
        const col = header.indexOf(column);
        for (const kind of role.kinds) {
          for (const row of clean.rows.slice(0, 150)) {
            if (row[col].trim() === '') continue;
            const ctx: KindContext = { rng, header, row, col, role, pool: pools[col], groupSize: () => 2, sourceValue: (make) => make() };
            for (const ch of CORRUPT[kind](ctx) ?? []) {
              // a swap partner may hold the same value (nothing to swap): the injector skips those
              if (kind === 'swap' && same(row[ch.col], row[col])) continue;
              if (kind === 'glued' && ch.col !== col) continue;
              expect(same(ch.dirty, row[ch.col]), `${kind} on ${column}: ${JSON.stringify(row[ch.col])} -> ${JSON.stringify(ch.dirty)}`).toBe(false);
            }
          }
        }
      }
    }
  });
});
