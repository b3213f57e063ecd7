// A change that only re-writes a value's case or spacing (' aa100' → 'AA100') names the same
// entity it named before. When such a value is a determinant, the row joins the group it always
// belonged to, and any dependent it disagrees on is a conflict the data already held, now
// visible: the harm judgment (verify.ts, apply.ts, the dbt export's do-no-harm passes) does not
// count those FD_VIOLATIONs against the change. A change to another value (a typo fix to a
// different code) is judged by every conflict it creates, as before.
import { fingerprintSql } from '../validate/variants.js';

/** SQL: true when `after` is `before` up to case and white space (OpenRefine's fingerprint). */
export function sameEntitySql(before: string, after: string): string {
  return `coalesce(${fingerprintSql(`CAST(${before} AS VARCHAR)`)} = ${fingerprintSql(`CAST(${after} AS VARCHAR)`)}, false)`;
}

/** The violation a same-entity change of a determinant may reveal in the row's other cells. */
export const REVEALED_REASON = 'FD_VIOLATION';
