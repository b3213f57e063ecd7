// A typo in a dependency's DETERMINANT hides from the dependency check: the misspelt key forms a
// group of its own, which agrees with itself. It shows in another way: the row's dependents are
// exactly the agreed dependents of one well-supported key spelt almost alike, and in this data
// the dependents identify their key (the reverse mapping is functional). That is what tells a
// code → name dependency (one name per code: a lone code with a known name is a misspelt code)
// from zip → city (many zips share a city: a rare zip with a known city is a legitimate zip).
// One builder, used by validation (compileViolations, reason FD_DETERMINANT_SUSPECT) and by the
// repair strategy (remediate/strategies/fdDeterminantTypo.ts), so the two judge alike.
import type { FunctionalDependency } from '../contract/types.js';
import { sqlIdent } from '../store/duckdb.js';

/**
 * Parameters of the evidence, the same for every table (not tuned to one):
 * - a rare key has at most `maxRareGroup` rows: one or two rows are a typo's footprint;
 * - the candidate key has at least `minCandidateGroup` rows and `candidateRatio` times the rare
 *   key's: it is the established spelling, the rare one the accident;
 * - the reverse mapping (dependents → key) must hold for `minReverseShare` of the agreed dependent
 *   tuples of the well-supported keys, measured over at least `minReverseGroups` such tuples;
 * - the two keys differ by at most `maxDistance` edits (Damerau-Levenshtein), and by less than a
 *   third of the shorter key's length: a new key that merely shares a prefix is not rewritten.
 */
export const DETERMINANT_SUSPECT = {
  maxRareGroup: 2,
  minCandidateGroup: 3,
  candidateRatio: 3,
  minReverseShare: 0.95,
  minReverseGroups: 3,
  maxDistance: 2,
} as const;

/** The dependencies whose determinant suspects can be judged: one determinant column, dependents apart from it. */
export function suspectableFd(fd: FunctionalDependency): boolean {
  return fd.determinant.length === 1 && fd.dependent.length > 0 && !fd.dependent.includes(fd.determinant[0]);
}

/**
 * SELECT (id, det_from, det_to, support, grp, dist, share) over `source`: every row whose key
 * `det_from` is a likely misspelling of the one key `det_to` (support: its rows; grp: the rare
 * key's rows; dist: edits between them; share: how functional the reverse mapping is). Null when
 * the dependency is not one this judges (a composite determinant).
 */
export function determinantSuspectsSql(fd: FunctionalDependency, source: string): string | null {
  if (!suspectableFd(fd)) return null;
  const P = DETERMINANT_SUSPECT;
  const text = (c: string) => `CAST(${sqlIdent(c)} AS VARCHAR)`;
  const present = (c: string) => `(${sqlIdent(c)} IS NOT NULL AND trim(${text(c)}) <> '')`;
  const x = fd.determinant[0];
  const deps = fd.dependent;
  // y: the row's dependents as one value (a struct when there are several); yok: every one of
  // them is present (an empty dependent identifies nothing). Only well-supported keys are grouped
  // by their dependents, and only rare rows are looked up: most rows of a batch are neither.
  const y = deps.length === 1 ? text(deps[0]) : `{${deps.map((d, i) => `'d${i}': ${text(d)}`).join(', ')}}`;
  // Each key's rows come from a grouped count joined back by key (a window over the whole
  // relation would sort every row); its columns carry the reserved prefix, so none is ambiguous.
  return `WITH keys AS (SELECT ${text(x)} AS _airlock_ds_key, count(*) AS _airlock_ds_total FROM ${source} WHERE ${present(x)} GROUP BY 1),
  r AS (SELECT _airlock_row_id AS id, ${text(x)} AS x, ${y} AS y, (${deps.map(present).join(' AND ')}) AS yok, _airlock_ds_total AS total
    FROM ${source} JOIN keys ON _airlock_ds_key = ${text(x)} WHERE ${present(x)}),
  gy AS (SELECT x, y, yok, any_value(total) AS total, count(*) AS n FROM r WHERE total >= ${P.minCandidateGroup} GROUP BY x, y, yok),
  -- each well-supported key with a clear majority of present dependents: its agreed tuple. Rare
  -- keys are left out of the evidence: they are the ones under suspicion (a typo repeated twice
  -- is a rare key, not a rival spelling and not a counterexample of the reverse mapping).
  agreed AS (SELECT x, y, total FROM gy WHERE yok AND 2 * n > total),
  rev AS (SELECT y, count(*) AS nx FROM agreed GROUP BY y),
  fit AS (SELECT count(*) AS tuples, count(*) FILTER (WHERE nx = 1) AS one FROM rev),
  cand AS (SELECT r.id, r.x AS det_from, a.x AS det_to, a.total AS support, r.total AS grp,
      count(*) OVER (PARTITION BY r.id) AS rivals
    FROM r JOIN agreed a ON a.y = r.y AND a.x <> r.x
    WHERE r.yok AND r.total <= ${P.maxRareGroup} AND a.total >= ${P.candidateRatio} * r.total)
  SELECT c.id, c.det_from, c.det_to, c.support, c.grp, damerau_levenshtein(c.det_from, c.det_to) AS dist, f.one AS one_to_one, f.tuples AS tuples
  FROM cand c, fit f
  WHERE c.rivals = 1
    AND f.tuples >= ${P.minReverseGroups} AND f.one >= ${P.minReverseShare} * f.tuples
    AND damerau_levenshtein(c.det_from, c.det_to) <= ${P.maxDistance}
    AND 3 * damerau_levenshtein(c.det_from, c.det_to) < least(length(c.det_from), length(c.det_to))`;
}
