// A change that only re-writes a value's case or spacing (' aa100' → 'AA100') names the same
// entity it named before. When such a value is a determinant, the row joins the group it always
// belonged to, and any dependent it disagrees on is a conflict the data already held, now
// visible: the harm judgment (verify.ts, apply.ts, the dbt export's do-no-harm passes) does not
// count those FD_VIOLATIONs against the change. A change to another value (a typo fix to a
// different code) is judged by every conflict it creates, as before. Nor is a value its column
// already accepts ('aa100' where the pattern allows lower case): it named an entity of its own,
// in a group of its own, and moving it into another group is a change of entity, however alike
// the two are spelt (compileViolations.ts: only an unusable determinant forms no group).
import type { Contract } from '../contract/types.js';
import { determinantUsableSql } from '../validate/compileViolations.js';
import { fingerprintSql } from '../validate/variants.js';

/**
 * SQL: true when `after` is `before` up to case and white space (OpenRefine's fingerprint) and
 * `before` failed its own column's checks (it named no entity).
 */
export function sameEntitySql(contract: Contract, column: string, before: string, after: string): string {
  const spec = contract.columns.find((c) => c.name === column);
  if (!spec) return 'false';
  // judged by the contract's own checks: the batch's variants (LIKELY_VARIANT) say the spelling is
  // rare, not that it names nothing
  const { variants: _batch, ...own } = spec;
  const text = `CAST(${before} AS VARCHAR)`;
  return `coalesce(${fingerprintSql(text)} = ${fingerprintSql(`CAST(${after} AS VARCHAR)`)} AND NOT ${determinantUsableSql(own, text)}, false)`;
}

/** The violation a same-entity change of a determinant may reveal in the row's other cells. */
export const REVEALED_REASON = 'FD_VIOLATION';
