// DuckDB out of its memory budget is the machine's limit, not a user's typo and not a bug to
// print a stack for: one line saying so, what became of the run, and how to give it more memory.
import { UserError } from '../contract/errors.js';

const OUT_OF_MEMORY = /^(Error: )?Out of Memory Error: /;

/** The UserError for DuckDB's out-of-memory error, or null when `e` is something else. */
export function memoryUserError(e: unknown): UserError | null {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  if (!OUT_OF_MEMORY.test(message)) return null;
  const what = message.split('\n')[0].replace(OUT_OF_MEMORY, '');
  return new UserError(`out of memory: DuckDB needed more than its memory budget (${what}). What the run had committed is kept and the rest undone; `
    + 'a remediation job it left unfinished is finished by airlock remediate RUN. Give DuckDB more memory with --memory-limit (or AIRLOCK_MEMORY_LIMIT), e.g. --memory-limit 3GB, and try again.');
}
