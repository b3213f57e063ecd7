// The error injector: a clean table plus its role description in, a dirty table plus the log of
// every changed cell out. Seeded and deterministic: the same (table, roles, rate, seed) gives the
// same bytes on every machine. Errors co-occur: most error rows carry two to four at once, as
// real deliveries do. The key column (first) is never touched: the scorer matches rows by it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seeded, type Rng } from '../../test/helpers/seeded.js';
import { toCsv, same, writeTable } from './csv.js';
import { CORRUPT, type Change, type KindContext } from './kinds.js';
import type { Injection, Table, TableRoles } from './types.js';

export interface InjectOptions {
  /** share of the cells of eligible columns (those with at least one kind) to corrupt */
  rate: number;
  seed: number;
}

export interface Injected {
  dirty: Table;
  log: Injection[];
}

const MAX_PER_ROW = 4;

/** Errors in a row that gets any: 30% one, 30% two, 25% three, 15% four. */
function errorsForRow(rng: Rng): number {
  const u = rng.next();
  return u < 0.3 ? 1 : u < 0.6 ? 2 : u < 0.85 ? 3 : 4;
}

/** The order rows are visited in: a shuffle, weighted by the row's source when the table has sources. */
function rowOrder(rng: Rng, t: Table, roles: TableRoles): number[] {
  const s = roles.sourceColumn ? roles.header.indexOf(roles.sourceColumn) : -1;
  const weight = (r: string[]) => (s >= 0 ? roles.sourceErrorWeight?.[r[s]] ?? 1 : 1);
  // weighted sampling without replacement (Efraimidis–Spirakis): sort by u^(1/w), largest first
  const keyed = t.rows.map((r, i) => ({ i, k: Math.pow(rng.next(), 1 / Math.max(weight(r), 1e-6)) }));
  return keyed.sort((a, b) => b.k - a.k || a.i - b.i).map((x) => x.i);
}

function shuffled<T>(rng: Rng, items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function inject(clean: Table, roles: TableRoles, opts: InjectOptions): Injected {
  const { header } = roles;
  if (clean.header.length !== header.length) throw new Error(`${roles.name}: roles name ${header.length} columns, the table has ${clean.header.length}`);
  const rng = seeded(opts.seed);
  const eligible = header.map((h, i) => (i > 0 && (roles.columns[h]?.kinds.length ?? 0) > 0 ? i : -1)).filter((i) => i >= 0);
  const target = Math.round(opts.rate * eligible.length * clean.rows.length);
  const dirty = clean.rows.map((r) => [...r]);
  const touched = clean.rows.map(() => new Set<number>());
  const pools = header.map((_, c) => [...new Set(clean.rows.map((r) => r[c]))]);
  const groupCounts = new Map<string, Map<string, number>>();
  const groupKey = (r: string[], det: number[]) => JSON.stringify(det.map((d) => r[d]));
  const sourceMemo = new Map<string, string | null>();
  const src = roles.sourceColumn ? header.indexOf(roles.sourceColumn) : -1;
  const ent = roles.entityColumn ? header.indexOf(roles.entityColumn) : -1;
  const log: Injection[] = [];
  let made = 0;

  const tryCell = (r: number, c: number, capacity: number): Change[] | null => {
    const row = clean.rows[r];
    // every kind corrupts a value that exists: an empty truth has nothing to disguise
    if (row[c].trim() === '') return null;
    const role = roles.columns[header[c]];
    const ctx: KindContext = {
      rng, header, row, col: c, role, pool: pools[c],
      groupSize: (det) => {
        const cols = det.map((d) => header.indexOf(d));
        const id = cols.join(',');
        let m = groupCounts.get(id);
        if (!m) {
          m = new Map();
          for (const x of clean.rows) m.set(groupKey(x, cols), (m.get(groupKey(x, cols)) ?? 0) + 1);
          groupCounts.set(id, m);
        }
        return m.get(groupKey(row, cols)) ?? 0;
      },
      // one wrong value per (source, entity, column): a poor source repeats its mistake on every report
      sourceValue: (make) => {
        if (src < 0 || ent < 0) return null;
        const id = `${row[src]}\u0000${row[ent]}\u0000${c}`;
        if (!sourceMemo.has(id)) sourceMemo.set(id, make());
        return sourceMemo.get(id) ?? null;
      },
    };
    for (const kind of shuffled(rng, role.kinds)) {
      const changes = CORRUPT[kind](ctx);
      const ok = changes && changes.length <= capacity && changes.every((ch) => ch.col > 0 && ch.col !== src && !touched[r].has(ch.col) && !same(ch.dirty, row[ch.col]));
      if (!ok) continue;
      for (const ch of changes) {
        dirty[r][ch.col] = ch.dirty;
        touched[r].add(ch.col);
        log.push({ key: row[0], column: header[ch.col], clean: row[ch.col], dirty: ch.dirty, kind });
      }
      return changes;
    }
    return null;
  };

  const order = rowOrder(rng, clean, roles);
  // later passes top rows up one error at a time, for rates higher than one pass can reach
  for (let pass = 0; pass < MAX_PER_ROW && made < target; pass++) {
    for (const r of order) {
      if (made >= target) break;
      let room = Math.min(pass === 0 ? errorsForRow(rng) : 1, MAX_PER_ROW - touched[r].size, target - made);
      for (let attempt = 0; room > 0 && attempt < 8; attempt++) {
        const free = eligible.filter((c) => !touched[r].has(c));
        if (!free.length) break;
        // a two-cell kind (swap, glued) may overshoot the row's share by one, never the row cap
        const changes = tryCell(r, rng.pick(free), MAX_PER_ROW - touched[r].size);
        if (changes) { made += changes.length; room -= changes.length; }
      }
    }
  }
  return { dirty: { header, rows: dirty }, log };
}

/** Writes DIR/dirty.csv and DIR/injections.csv (key, column, clean, dirty, kind); returns the paths. */
export function writeInjected(dir: string, injected: Injected): { dirty: string; log: string } {
  const dirtyPath = join(dir, 'dirty.csv');
  const logPath = join(dir, 'injections.csv');
  writeTable(dirtyPath, injected.dirty);
  writeFileSync(logPath, toCsv({ header: ['key', 'column', 'clean', 'dirty', 'kind'], rows: injected.log.map((l) => [l.key, l.column, l.clean, l.dirty, l.kind]) }));
  return { dirty: dirtyPath, log: logPath };
}
