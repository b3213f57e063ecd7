// Airlock adds its own bookkeeping columns to every staged, quarantined and production row
// (`_airlock_row_id`, `_airlock_row_hash`, `_airlock_run_id`, `_airlock_reasons`...). A user column
// with that prefix would collide with them (an internal error, or worse, a silent overwrite), so
// the prefix is reserved: the contract loader and the input readers refuse it up front.
import { UserError } from '../contract/errors.js';

export const RESERVED_PREFIX = '_airlock_';

export function isReservedColumn(name: string): boolean {
  return name.trim().toLowerCase().startsWith(RESERVED_PREFIX);
}

/**
 * Throws a UserError (exit 2) naming the first reserved column of `names` (a file header, or a
 * contract's column list) and its 1-based position. `displayName` is the file as the user knows it.
 */
export function assertNoReservedColumns(names: readonly string[], displayName: string, line = 1): void {
  const i = names.findIndex(isReservedColumn);
  if (i < 0) return;
  throw new UserError(
    `${displayName}:${line}: column ${i + 1} is named ${JSON.stringify(names[i])}: names starting with ${RESERVED_PREFIX} are reserved for Airlock's own columns. Rename the column in the file (and the contract) and try again.`,
    displayName, line,
  );
}
