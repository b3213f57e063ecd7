// Finds functional dependencies A -> B that hold on the clear majority of rows, for an analyst to
// review. For each determinant A, one query unpivots the candidate dependents and counts, per
// A-group, the rows holding the group's majority B value: the share of rows that agree.
//
// Agreement alone cannot tell a real dependency with a few wrong cells from a non-dependency that
// happens to hold for most groups (Portland OR and Portland ME; a hospital's city when most cities
// have one hospital). The two differ in the kind of disagreement. A cell error is random: it stays
// a disagreement however the determinant's groups are refined. A genuine exception is structured:
// refining the groups by some other column C makes it disappear, because the exception's rows
// share a value of C (Portland ME's rows have their own brewery ids; 'ak_' state averages have
// state 'ak'). A dependency whose disagreements another column explains is not proposed; when the
// pair (A, C) determines B, that composite is proposed instead.
//
// The work is bounded: at most `maxColumns` columns, one query per determinant, one per
// determinant and refiner (on at most about `maxRefineRows` rows), one per proposal for its
// evidence, on a row sample for large tables.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';

export interface FdCounterexample {
  /** the determinant's values, in the order of `determinant` */
  determinant: string[];
  /** the dependent's values in that group with their counts, most frequent first (at most a few) */
  values: { value: string; count: number }[];
}

export interface FdEvidenceItem {
  dependent: string;
  /** share of rows (with a determinant value) that agree with their group's majority */
  agreement: number;
  /** rows that disagree with their group's majority, and groups with any disagreement */
  violatingRows: number;
  violatingGroups: number;
  /** rows measured: a determinant value and an unmasked dependent (fewer than the table's when cells were masked) */
  measuredRows?: number;
  /** rows with every determinant column filled and unmasked: what measuredRows is a share of */
  determinantRows?: number;
  /** up to 3 groups that break it, largest first: the determinant values and the dependent's values with counts */
  counterexamples: FdCounterexample[];
}

export interface FdProposal {
  determinant: string[];
  dependent: string[];
  /** the smallest share of rows (with a determinant value) that agree with their group's majority, over the dependents */
  support: number;
  /** per dependent: how well it holds, and a few groups that break it */
  evidence: FdEvidenceItem[];
}

export interface FdColumn {
  name: string;
  rows: number;
  nonEmpty: number;
  distinct: number;
  /** free text (a string with no pattern or value set: names, addresses), as opposed to a code */
  text?: boolean;
}

export interface FdOptions {
  /** columns considered, in file order; bounds the number of queries on wide tables */
  maxColumns: number;
  /** share of rows that must agree with their group's majority */
  minAgreement: number;
  /** a dependent whose most common value holds this share of the rows measured is a constant */
  maxBaseline: number;
  /** rows per group on average, for a determinant and for a determinant refined by another column */
  minGroupSize: number;
  /**
   * share of the rows with a clean determinant on which a dependent must be unmasked: masking
   * sets aside a minority of dirty cells, and a dependency seen only on the few cells left (a
   * column mostly written with a unit) is not the dominant form (DOMINANT_SHARE)
   */
  /** the table before dirty cells were masked, for the as-written check (default: the table measured) */
  writtenTable?: string;
  /** share of rows whose dependent, as written (not folded), agrees with its group */
  minWrittenAgreement: number;
  minMeasuredShare: number;
  /** tables with fewer rows get no proposals */
  minRows: number;
  /** a determinant (single or composite) whose value is unique on more than this share of rows is never proposed */
  maxUniqueShare: number;
  /** A -> B is explained by C when refining by C removes at least this many of its disagreeing rows ... */
  minExplainedRows: number;
  /** ... and at least this share of them */
  minExplainedShare: number;
  /** a lone row is explained by its C value only when that value disagrees on at least this many rows ... */
  minExceptionRows: number;
  /** ... and on at least this share of the rows holding it */
  minExceptionShare: number;
  /**
   * The search for explaining columns reads whole determinant groups chosen by a hash of the
   * determinant, about this many rows, so that its cost stays bounded on large wide tables
   * (one query per determinant and refiner); a group and its exceptions stay together.
   */
  maxRefineRows: number;
  /** counterexample groups kept per dependent, and values kept per counterexample */
  counterexamples: number;
  counterexampleValues: number;
}

export const FD_DEFAULTS: Readonly<FdOptions> = {
  maxColumns: 30,
  minAgreement: 0.95,
  maxBaseline: 0.99,
  minGroupSize: 2,
  minMeasuredShare: 0.8,
  minWrittenAgreement: 0.8,
  minRows: 10,
  maxUniqueShare: 0.95,
  minExplainedRows: 5,
  // Not a majority: a real exception is not less real because random typos sit beside it (the
  // 20 'ak' rows of hospital among 26 typos). Random errors that happen to repeat within a
  // refined group stay near the error rate itself (a few percent of the disagreements).
  minExplainedShare: 0.3,
  minExceptionRows: 3,
  minExceptionShare: 0.5,
  maxRefineRows: 20_000,
  counterexamples: 3,
  counterexampleValues: 5,
};

interface Pair {
  a: string;
  b: string;
  agree: number;
  violations: number;
}

const DET = '_airlock_det';
const REF = '_airlock_ref';

/**
 * A cell the profile already knows to be dirty (it fails its own column's checks) holds this
 * marker in the table measured: it is no evidence for or against a dependency, so it is read as
 * no value at all (NULL, which UNPIVOT drops), unlike an empty cell.
 */
export const FD_MASK = '\u0001airlock:dirty-cell';
const MASK_SQL = sqlString(FD_MASK);
/**
 * Spelling variants are one value ('Birmingham', 'BIRMINGHAM', ' birmingham '): case, spaces and
 * punctuation do not make two rows disagree, as the value sets fold them (profileInfer foldKey).
 */
const fold = (x: string) => `trim(regexp_replace(lower(${x}), '[^\\pL\\pN]+', ' ', 'g'))`;
/** The folded text of a cell, NULL when masked. */
const cell = (c: string) => `${fold(`NULLIF(coalesce(trim(${sqlIdent(c)}), ''), ${MASK_SQL})`)}`;
/**
 * A determinant cell as written: folding it too would merge codes that differ only in their
 * punctuation ('AF5346', 'AF-5346'), which are the values a dependency must keep apart.
 */
const det = (c: string) => `trim(${sqlIdent(c)})`;
/** A determinant cell that counts: filled and not masked. */
const filled = (c: string) => `trim(${sqlIdent(c)}) <> '' AND trim(${sqlIdent(c)}) <> ${MASK_SQL}`;
/** The dependents as text, an empty one as '' so that a group half empty, half filled disagrees. */
const depList = (bs: string[]) => bs.map((b) => `${cell(b)} AS ${sqlIdent(b)}`).join(', ');
/** The same, as written (not folded): what validation compares. */
const rawDepList = (bs: string[]) => bs.map((b) => `NULLIF(coalesce(trim(${sqlIdent(b)}), ''), ${MASK_SQL}) AS ${sqlIdent(b)}`).join(', ');

/**
 * Spelling variants agree for discovery, but validation compares values as written: a dependency
 * whose dependent, as written, agrees on less than the dominant share would flag the rest of the
 * file. Those dependents are left out. Returns the dependents that pass.
 */
async function asWrittenEnough(conn: DuckDBConnection, table: string, determinant: string[], bs: string[], o: FdOptions): Promise<Set<string>> {
  // On the table as it arrived when the caller names it (its dirty cells unmasked), as validation sees it.
  const m = await measure(conn, o.writtenTable ?? table, determinant, bs, o, true);
  return new Set(m.evidence.filter((e) => e.agreement >= o.minWrittenAgreement).map((e) => e.dependent));
}

/** Whether a dependent was unmasked on enough of the rows with a clean determinant. */
function measuredEnough(e: FdEvidenceItem, o: FdOptions): boolean {
  return (e.measuredRows ?? 0) >= o.minMeasuredShare * (e.determinantRows ?? 0);
}

/** Whether a measured dependency holds: agreement, and B explained rather than near-constant. */
function holds(agree: number, baseline: number, o: FdOptions): boolean {
  // The dependency must explain B: errors within A-groups at most half of the errors that
  // always guessing B's most common value would make. A near-constant B "follows" anything.
  // A B that is one value on nearly every row measured is a constant, not a dependent.
  return agree >= o.minAgreement && 1 - agree <= 0.5 * (1 - baseline) && baseline < o.maxBaseline;
}

/** Agreement of every eligible pair, measured on `table` (the sample), with its disagreeing rows. */
async function measurePairs(conn: DuckDBConnection, table: string, dets: string[], deps: string[], o: FdOptions): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const a of dets) {
    const bs = deps.filter((b) => b !== a);
    if (bs.length === 0) continue;
    const rows = await queryRows<{ dep: string; agree: number; baseline: number; violations: number; unique_share: number }>(conn, `
      WITH s AS (SELECT ${det(a)} AS ${DET}, ${depList(bs)} FROM ${table} WHERE ${filled(a)}),
      u AS (SELECT * FROM s UNPIVOT (val FOR dep IN (${bs.map(sqlIdent).join(', ')}))),
      g AS (SELECT dep, ${DET}, val, count(*) AS c FROM u GROUP BY ALL),
      m AS (SELECT dep, max(c) AS mc, sum(c) AS n FROM g GROUP BY dep, ${DET}),
      b AS (SELECT dep, max(c) AS top FROM (SELECT dep, val, sum(c) AS c FROM g GROUP BY ALL) GROUP BY dep)
      SELECT m.dep, sum(mc) / sum(n) AS agree, any_value(b.top) / sum(n) AS baseline,
        CAST(sum(n) - sum(mc) AS DOUBLE) AS violations, count(*) FILTER (WHERE n = 1) / sum(n) AS unique_share
      FROM m JOIN b USING (dep) GROUP BY m.dep`);
    // The candidate test uses full-table counts; on a sample a determinant can still be nearly
    // unique, and a nearly unique determinant "determines" anything.
    if (rows.some((r) => Number(r.unique_share) > o.maxUniqueShare)) continue;
    for (const r of rows) {
      const agree = Number(r.agree);
      if (holds(agree, Number(r.baseline), o)) pairs.push({ a, b: r.dep, agree, violations: Number(r.violations) });
    }
  }
  return pairs;
}

interface Explanation {
  a: string;
  b: string;
  /** refiners that explain A -> B, most explained rows first */
  by: { c: string; explained: number }[];
}

/**
 * For every determinant A whose dependencies have disagreeing rows, the refiners C that explain
 * them. A disagreeing row (its B differs from its A-group's majority) is explained by C when,
 * in its (A, C) group, its B value outnumbers the A-group's majority and the exception repeats:
 * at least two rows of that (A, C) group hold it, or, for a row alone in its (A, C) group (the
 * one 'ak' hospital among a measure's rows), its C value disagrees on many rows across A-groups.
 * A random typo repeats neither way.
 */
async function explain(conn: DuckDBConnection, table: string, pairs: Pair[], refiners: string[], o: FdOptions): Promise<Explanation[]> {
  const out: Explanation[] = [];
  const tableRows = Number((await queryRows<{ n: number }>(conn, `SELECT CAST(count(*) AS DOUBLE) AS n FROM ${table}`))[0]?.n ?? 0);
  const share = tableRows > o.maxRefineRows ? o.maxRefineRows / tableRows : 1;
  const some = (a: string) => (share < 1 ? ` AND hash(trim(${sqlIdent(a)})) % 1000000 < ${Math.ceil(share * 1_000_000)}` : '');
  const determined = new Set(pairs.map((p) => `${p.a}\u0000${p.b}`));
  const dets = [...new Set(pairs.filter((p) => p.violations > 0).map((p) => p.a))];
  for (const a of dets) {
    const violated = pairs.filter((p) => p.a === a && p.violations > 0);
    // A column that A already determines is no refiner: within A-groups it varies only where it
    // is wrong, and when one error touches two cells of a row (a city with its state run into it,
    // the state left empty) refining by one wrong cell would "explain" the other.
    const cs = refiners.filter((c) => c !== a && !determined.has(`${a}\u0000${c}`));
    if (cs.length === 0) continue;
    // One pass counts the (A, C) groups of every refiner: a refiner must split A's groups, and
    // not into near-singletons, which would make anything hold.
    const [counts] = await queryRows<Record<string, number>>(conn, `
      WITH s AS (SELECT ${det(a)} AS ${DET}, ${cs.map((c) => `${cell(c)} AS ${sqlIdent(c)}`).join(', ')}
        FROM ${table} WHERE ${filled(a)}${some(a)})
      SELECT CAST(count(*) AS DOUBLE) AS _n, CAST(count(DISTINCT ${DET}) AS DOUBLE) AS _a,
        ${cs.map((c, i) => `CAST(count(DISTINCT (${DET}, ${sqlIdent(c)})) AS DOUBLE) AS r${i}`).join(', ')} FROM s`);
    const found = new Map<string, { c: string; explained: number }[]>();
    for (const [i, c] of cs.entries()) {
      const groups = Number(counts[`r${i}`]);
      if (groups <= Number(counts._a) || Number(counts._n) / groups < o.minGroupSize) continue;
      const bs = violated.map((p) => p.b).filter((b) => b !== c);
      if (bs.length === 0) continue;
      const rows = await queryRows<{ dep: string; violations: number; explained: number }>(conn, `
        WITH s AS (
          SELECT ${det(a)} AS ${DET}, coalesce(${cell(c)}, '') AS ${REF}, ${depList(bs)}
          FROM ${table} WHERE ${filled(a)}${some(a)}
        ),
        u AS (SELECT * FROM s UNPIVOT (val FOR dep IN (${bs.map(sqlIdent).join(', ')}))),
        g AS (SELECT dep, ${DET}, ${REF}, val, count(*) AS c FROM u GROUP BY ALL),
        -- The A-group's majority value; a tie goes to the smaller value, so counts are repeatable.
        top AS (SELECT dep, ${DET}, first(val ORDER BY c DESC, val) AS top
                FROM (SELECT dep, ${DET}, val, sum(c) AS c FROM g GROUP BY ALL) GROUP BY ALL),
        -- Per (A, C) group: its rows, the rows holding the A-majority, and the most frequent other
        -- value. A missing value (B or C empty) is no exception: it contradicts nothing.
        ac AS (
          SELECT g.dep, g.${DET}, g.${REF}, sum(g.c) AS n,
            coalesce(sum(g.c) FILTER (WHERE g.val = top.top), 0) AS ag,
            coalesce(max(g.c) FILTER (WHERE g.val <> top.top AND g.val <> '' AND g.${REF} <> ''), 0) AS other,
            coalesce(sum(g.c) FILTER (WHERE g.val <> top.top AND g.val <> ''), 0) AS off
          FROM g JOIN top USING (dep, ${DET}) GROUP BY ALL
        ),
        -- Per C value: how many of its rows disagree with their A-group, over all A-groups.
        cv AS (SELECT dep, ${REF}, sum(off) AS off, sum(n) AS n FROM ac GROUP BY ALL)
        SELECT ac.dep, CAST(sum(ac.n - ac.ag) AS DOUBLE) AS violations,
          CAST(coalesce(sum(ac.other) FILTER (WHERE ac.other > ac.ag AND (ac.other >= 2
            OR (ac.n = 1 AND cv.off >= ${o.minExceptionRows} AND cv.off >= ${o.minExceptionShare} * cv.n))), 0) AS DOUBLE) AS explained
        FROM ac JOIN cv USING (dep, ${REF}) GROUP BY ac.dep`);
      for (const r of rows) {
        const explained = Number(r.explained), violations = Number(r.violations);
        if (explained >= o.minExplainedRows && explained >= o.minExplainedShare * violations) {
          const list = found.get(r.dep) ?? [];
          list.push({ c, explained });
          found.set(r.dep, list);
        }
      }
    }
    for (const [b, by] of found) out.push({ a, b, by: by.sort((x, y) => y.explained - x.explained || refiners.indexOf(x.c) - refiners.indexOf(y.c)) });
  }
  return out;
}

/**
 * Columns that determine each other (A -> B and B -> A: a hospital's number, its name, its
 * phone) are one class, represented by its first column in the file, a code before free text:
 * the identifier is what the other members describe.
 */
function classes(pairs: Pair[], order: string[], text: (c: string) => boolean): (c: string) => string {
  const holdsPair = new Set(pairs.map((p) => `${p.a}\u0000${p.b}`));
  const rep = new Map<string, string>(order.map((c) => [c, c]));
  const find = (c: string): string => (rep.get(c) === c ? c : find(rep.get(c)!));
  const rank = (c: string) => (text(c) ? order.length : 0) + order.indexOf(c);
  for (const p of pairs) {
    if (!holdsPair.has(`${p.b}\u0000${p.a}`)) continue;
    const [x, y] = [find(p.a), find(p.b)];
    if (x === y) continue;
    if (rank(x) < rank(y)) rep.set(y, x);
    else rep.set(x, y);
  }
  return find;
}

/**
 * The class's first column carries the class's dependencies, every other member points to it,
 * and a dependent is named by its class's first column only. Dependents of one determinant are
 * merged into one entry.
 *
 * A member in free text does not point to a code that represents its class: names have
 * namesakes (two breweries called 'Summit Brewing Company' with their own ids, a hospital's name
 * shared by another town's), so "same name, another id" is as often a second real entity as an
 * error, and a repair through the name would rewrite the other entity's id. The code -> name
 * direction keeps the class's evidence: an id names one entity.
 */
function summarise(pairs: Pair[], order: string[], text: (c: string) => boolean = () => false): { determinant: string[]; dependent: string[] }[] {
  const holdsPair = new Set(pairs.map((p) => `${p.a}\u0000${p.b}`));
  const find = classes(pairs, order, text);
  const out = new Map<string, { determinant: string[]; dependent: string[] }>();
  const add = (a: string, b: string) => {
    const fd = out.get(a) ?? { determinant: [a], dependent: [] };
    if (!fd.dependent.includes(b)) fd.dependent.push(b);
    out.set(a, fd);
  };
  for (const p of pairs) {
    const ra = find(p.a), rb = find(p.b);
    if (ra === rb) {
      // Inside a class only the links to and from its first column are kept.
      if (p.b === ra && text(p.a) && !text(ra)) continue;
      if (p.a === ra || p.b === ra) add(p.a, p.b);
      continue;
    }
    // Another member's dependency is implied by its class's first column, when that one holds it.
    if (p.a !== ra && (holdsPair.has(`${ra}\u0000${p.b}`) || holdsPair.has(`${ra}\u0000${rb}`))) continue;
    // A -> member is implied by A -> first column and first column -> member.
    if (p.b !== rb && holdsPair.has(`${p.a}\u0000${rb}`) && holdsPair.has(`${rb}\u0000${p.b}`)) continue;
    add(p.a, p.b);
  }
  return [...out.values()];
}

interface Measured {
  evidence: FdEvidenceItem[];
  baseline: Map<string, number>;
  uniqueShare: number;
}

/**
 * Evidence of `determinant -> dependents` on `table`, over the rows with every determinant
 * column filled: agreement, disagreeing rows and groups, the largest counterexamples, B's
 * baseline (share of its most common value) and the share of rows whose determinant is unique.
 */
async function measure(conn: DuckDBConnection, table: string, determinant: string[], bs: string[], o: FdOptions, asWritten = false): Promise<Measured> {
  const ds = determinant.map((_, i) => `_airlock_d${i}`);
  const rows = await queryRows<{ dep: string; agree: number; violations: number; measured: number; det_rows: number; groups: number; baseline: number; unique_share: number; ex: { det: string[]; vals: { value: string; count: number }[] }[] | null }>(conn, `
    WITH s AS (
      SELECT ${determinant.map((d, i) => `${det(d)} AS ${ds[i]}`).join(', ')}, ${asWritten ? rawDepList(bs) : depList(bs)}
      FROM ${table} WHERE ${determinant.map((d) => filled(d)).join(' AND ')}
    ),
    u AS (SELECT * FROM s UNPIVOT (val FOR dep IN (${bs.map(sqlIdent).join(', ')}))),
    g AS (SELECT dep, ${ds.join(', ')}, val, CAST(count(*) AS INTEGER) AS c FROM u GROUP BY ALL),
    m AS (
      SELECT dep, ${ds.join(', ')}, sum(c) AS n, max(c) AS mc, count(*) AS k,
        list({'value': val, 'count': c} ORDER BY c DESC, val) AS vals
      FROM g GROUP BY ALL
    ),
    b AS (SELECT dep, max(c) AS top FROM (SELECT dep, val, sum(c) AS c FROM g GROUP BY ALL) GROUP BY dep),
    x AS (
      SELECT dep, ${ds.join(', ')}, vals, row_number() OVER (PARTITION BY dep ORDER BY n - mc DESC, n DESC, ${ds.join(', ')}) AS r
      FROM m WHERE k > 1
    ),
    xl AS (
      SELECT dep, list({'det': [${ds.join(', ')}], 'vals': vals[1:${o.counterexampleValues}]} ORDER BY r) AS ex
      FROM x WHERE r <= ${o.counterexamples} GROUP BY dep
    )
    SELECT m.dep, sum(mc) / sum(n) AS agree, CAST(sum(n) - sum(mc) AS DOUBLE) AS violations, CAST(sum(n) AS DOUBLE) AS measured, CAST((SELECT count(*) FROM s) AS DOUBLE) AS det_rows,
      CAST(count(*) FILTER (WHERE k > 1) AS DOUBLE) AS groups, any_value(b.top) / sum(n) AS baseline,
      count(*) FILTER (WHERE n = 1) / sum(n) AS unique_share, any_value(xl.ex) AS ex
    FROM m JOIN b USING (dep) LEFT JOIN xl USING (dep) GROUP BY m.dep`);
  const byDep = new Map(rows.map((r) => [r.dep, r]));
  const evidence: FdEvidenceItem[] = [];
  const baseline = new Map<string, number>();
  for (const dep of bs) {
    const r = byDep.get(dep);
    // No row with a determinant value: nothing agrees, nothing to propose.
    if (!r) { evidence.push({ dependent: dep, agreement: 0, violatingRows: 0, violatingGroups: 0, counterexamples: [] }); continue; }
    baseline.set(dep, Number(r.baseline));
    evidence.push({
      dependent: dep,
      agreement: Number(r.agree),
      violatingRows: Number(r.violations),
      violatingGroups: Number(r.groups),
      measuredRows: Number(r.measured),
      determinantRows: Number(r.det_rows),
      counterexamples: (r.ex ?? []).map((e) => ({ determinant: [...e.det], values: e.vals.map((v) => ({ value: v.value, count: Number(v.count) })) })),
    });
  }
  return { evidence, baseline, uniqueShare: Number(rows[0]?.unique_share ?? 1) };
}

/**
 * Approximate functional dependencies of `table`, single-column and two-column. `columns` carry
 * the full-table counts used to choose candidates: a determinant must group rows (not a key, on
 * average at least two rows a value); a dependent must vary and not be a key.
 */
export async function discoverFds(conn: DuckDBConnection, table: string, columns: FdColumn[], options: Partial<FdOptions> = {}): Promise<FdProposal[]> {
  const o: FdOptions = { ...FD_DEFAULTS, ...options };
  const rows = columns[0]?.rows ?? 0;
  if (rows < o.minRows) return [];
  const isDet = (c: FdColumn) => c.distinct >= 2 && c.distinct < c.nonEmpty && c.nonEmpty / c.distinct >= o.minGroupSize;
  const isDep = (c: FdColumn) => c.distinct >= 2 && !(c.nonEmpty === rows && c.distinct === rows);
  const eligible = columns.filter((c) => isDet(c) || isDep(c)).slice(0, o.maxColumns);
  const dets = eligible.filter(isDet).map((c) => c.name);
  const deps = eligible.filter(isDep).map((c) => c.name);
  const order = columns.map((c) => c.name);
  const pos = (c: string) => order.indexOf(c);
  const textColumns = new Set(columns.filter((c) => c.text).map((c) => c.name));
  const text = (c: string) => textColumns.has(c);

  const pairs = await measurePairs(conn, table, dets, deps, o);
  const explained = await explain(conn, table, pairs, eligible.map((c) => c.name), o);
  const rejected = new Set(explained.map((e) => `${e.a}\u0000${e.b}`));
  const kept = pairs.filter((p) => !rejected.has(`${p.a}\u0000${p.b}`));

  const out: FdProposal[] = [];
  for (const fd of summarise(kept, order, text)) {
    const dependent = fd.dependent.sort((x, y) => pos(x) - pos(y));
    const m = await measure(conn, table, fd.determinant, dependent, o);
    const written = await asWrittenEnough(conn, table, fd.determinant, dependent, o);
    // A dependent measured on a minority of its rows (the rest masked) shows no dominant dependency.
    const ev = m.evidence.filter((e) => measuredEnough(e, o) && written.has(e.dependent));
    if (ev.length) out.push({ ...fd, dependent: ev.map((e) => e.dependent), support: Math.min(...ev.map((e) => e.agreement)), evidence: ev });
  }

  // A rejected A -> B becomes (A, C) -> B for the refiner C that explains it, when the pair
  // holds and B is not already determined by one column (that would make the composite redundant).
  // A determinant column is named by its class's first column, so that [state, measure_name]
  // and [state, measure_code] are one composite.
  const single = new Set(kept.map((p) => p.b));
  const find = classes(kept, order, text);
  const composites = new Map<string, FdProposal>();
  for (const e of explained) {
    if (single.has(e.b)) continue;
    for (const { c } of e.by) {
      const determinant = [...new Set([find(e.a), find(c)])].sort((x, y) => pos(x) - pos(y));
      if (determinant.length < 2 || determinant.includes(e.b)) continue;
      const key = determinant.join('\u0000');
      if (composites.get(key)?.dependent.includes(e.b)) break;
      const m = await measure(conn, table, determinant, [e.b], o);
      const ev = m.evidence[0];
      if (m.uniqueShare > o.maxUniqueShare || !holds(ev.agreement, m.baseline.get(e.b) ?? 1, o) || !measuredEnough(ev, o)) continue;
      if (!(await asWrittenEnough(conn, table, determinant, [e.b], o)).has(e.b)) continue;
      const fd = composites.get(key) ?? { determinant, dependent: [], support: 1, evidence: [] };
      fd.dependent.push(e.b);
      fd.evidence.push(ev);
      fd.support = Math.min(fd.support, ev.agreement);
      composites.set(key, fd);
      break;
    }
  }
  for (const fd of composites.values()) {
    const ranked = fd.dependent.map((d, i) => ({ d, ev: fd.evidence[i] })).sort((x, y) => pos(x.d) - pos(y.d));
    out.push({ ...fd, dependent: ranked.map((r) => r.d), evidence: ranked.map((r) => r.ev) });
  }
  const rank = (fd: FdProposal) => fd.determinant.map(pos);
  return out.sort((x, y) => {
    const [rx, ry] = [rank(x), rank(y)];
    for (let i = 0; i < Math.max(rx.length, ry.length); i++) if ((rx[i] ?? -1) !== (ry[i] ?? -1)) return (rx[i] ?? -1) - (ry[i] ?? -1);
    return 0;
  });
}
