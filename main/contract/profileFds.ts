// Finds functional dependencies A -> B that hold on the clear majority of rows. For each
// determinant A, one query unpivots the candidate dependents and counts, per A-group, the rows
// holding the group's majority B value: the share of rows that agree. The work is bounded
// (at most MAX_COLUMNS columns, one query per determinant, a row sample for large tables).
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent } from '../store/duckdb.js';

export interface FdProposal {
  determinant: string[];
  dependent: string[];
  /** the smallest share of rows (with a determinant value) that agree with their group's majority, over the dependents */
  support: number;
}

export interface FdColumn {
  name: string;
  rows: number;
  nonEmpty: number;
  distinct: number;
}

const MAX_COLUMNS = 30;
const MIN_AGREEMENT = 0.95;
const MIN_GROUP_SIZE = 2;
const MIN_ROWS = 10;

interface Pair {
  a: string;
  b: string;
  agree: number;
}

/** Agreement of every eligible pair, measured on `table` (the sample). */
async function measurePairs(conn: DuckDBConnection, table: string, dets: string[], deps: string[]): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const a of dets) {
    const bs = deps.filter((b) => b !== a);
    if (bs.length === 0) continue;
    // Empty dependents count as one value ('') so that a group half empty, half filled disagrees.
    const rows = await queryRows<{ dep: string; agree: number; baseline: number; n: number }>(conn, `
      WITH s AS (
        SELECT trim(${sqlIdent(a)}) AS _airlock_det, ${bs.map((b) => `coalesce(trim(${sqlIdent(b)}), '') AS ${sqlIdent(b)}`).join(', ')}
        FROM ${table} WHERE trim(${sqlIdent(a)}) <> ''
      ),
      u AS (SELECT * FROM s UNPIVOT (val FOR dep IN (${bs.map(sqlIdent).join(', ')}))),
      g AS (SELECT dep, _airlock_det, val, count(*) AS c FROM u GROUP BY ALL),
      m AS (SELECT dep, max(c) AS mc, sum(c) AS n FROM g GROUP BY dep, _airlock_det),
      b AS (SELECT dep, max(c) AS top FROM (SELECT dep, val, sum(c) AS c FROM g GROUP BY ALL) GROUP BY dep)
      SELECT m.dep, sum(mc) / sum(n) AS agree, any_value(b.top) / sum(n) AS baseline, sum(n) AS n
      FROM m JOIN b USING (dep) GROUP BY m.dep`);
    for (const r of rows) {
      const agree = Number(r.agree), baseline = Number(r.baseline);
      // The dependency must explain B: errors within A-groups at most half of the errors that
      // always guessing B's most common value would make. A near-constant B "follows" anything.
      if (agree >= MIN_AGREEMENT && 1 - agree <= 0.5 * (1 - baseline)) pairs.push({ a, b: r.dep, agree });
    }
  }
  return pairs;
}

/**
 * Columns that determine each other (A -> B and B -> A: a hospital's number, its name, its
 * phone) are one class: its first column carries the class's dependencies, every other member
 * points to it, and a dependent is named by its class's first column only. Dependents of one
 * determinant are merged into one entry.
 */
function summarise(pairs: Pair[], order: string[]): FdProposal[] {
  const holds = new Map(pairs.map((p) => [`${p.a}\u0000${p.b}`, p.agree]));
  const rep = new Map<string, string>(order.map((c) => [c, c]));
  const find = (c: string): string => (rep.get(c) === c ? c : find(rep.get(c)!));
  for (const p of pairs) {
    if (!holds.has(`${p.b}\u0000${p.a}`)) continue;
    const [x, y] = [find(p.a), find(p.b)];
    if (x === y) continue;
    // The earlier column in the file represents the class.
    if (order.indexOf(x) < order.indexOf(y)) rep.set(y, x);
    else rep.set(x, y);
  }
  const out = new Map<string, FdProposal>();
  const add = (a: string, b: string, agree: number) => {
    const fd = out.get(a) ?? { determinant: [a], dependent: [], support: 1 };
    if (!fd.dependent.includes(b)) fd.dependent.push(b);
    fd.support = Math.min(fd.support, agree);
    out.set(a, fd);
  };
  for (const p of pairs) {
    const ra = find(p.a), rb = find(p.b);
    if (ra === rb) {
      // Inside a class only the links to and from its first column are kept.
      if (p.a === ra || p.b === ra) add(p.a, p.b, p.agree);
      continue;
    }
    // Another member's dependency is implied by its class's first column, when that one holds it.
    if (p.a !== ra && (holds.has(`${ra}\u0000${p.b}`) || holds.has(`${ra}\u0000${rb}`))) continue;
    // A -> member is implied by A -> first column and first column -> member.
    if (p.b !== rb && holds.has(`${p.a}\u0000${rb}`) && holds.has(`${rb}\u0000${p.b}`)) continue;
    add(p.a, p.b, p.agree);
  }
  const pos = (c: string) => order.indexOf(c);
  return [...out.values()]
    .map((fd) => ({ ...fd, dependent: fd.dependent.sort((x, y) => pos(x) - pos(y)) }))
    .sort((x, y) => pos(x.determinant[0]) - pos(y.determinant[0]));
}

/**
 * Approximate single-column functional dependencies of `table`. `columns` carry the full-table
 * counts used to choose candidates: a determinant must group rows (not a key, on average at least
 * two rows a value); a dependent must vary and not be a key.
 */
export async function discoverFds(conn: DuckDBConnection, table: string, columns: FdColumn[]): Promise<FdProposal[]> {
  const rows = columns[0]?.rows ?? 0;
  if (rows < MIN_ROWS) return [];
  const isDet = (c: FdColumn) => c.distinct >= 2 && c.distinct < c.nonEmpty && c.nonEmpty / c.distinct >= MIN_GROUP_SIZE;
  const isDep = (c: FdColumn) => c.distinct >= 2 && !(c.nonEmpty === rows && c.distinct === rows);
  const eligible = columns.filter((c) => isDet(c) || isDep(c)).slice(0, MAX_COLUMNS);
  const dets = eligible.filter(isDet).map((c) => c.name);
  const deps = eligible.filter(isDep).map((c) => c.name);
  const pairs = await measurePairs(conn, table, dets, deps);
  return summarise(pairs, columns.map((c) => c.name));
}
