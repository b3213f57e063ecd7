// DuckDB out of its memory budget is the machine's limit, not a user's typo and not a bug to
// print a stack for: one line saying so, what became of the run, and how to give it more memory.
import { UserError } from '../contract/errors.js';

const OUT_OF_MEMORY = /^(Error: )?Out of Memory Error: /;

const MORE_MEMORY = 'Give DuckDB more memory with --memory-limit (or AIRLOCK_MEMORY_LIMIT), e.g. --memory-limit 3GB, and try again.';

/**
 * The UserError for DuckDB's out-of-memory error, or null when `e` is something else.
 * `leftToUndo`: the runs recorded failed whose undo ran out of memory too (recover.ts
 * runsLeftToUndo), so that the line does not claim they were undone.
 */
export function memoryUserError(e: unknown, leftToUndo: string[] = []): UserError | null {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  if (!OUT_OF_MEMORY.test(message)) return null;
  const what = message.split('\n')[0].replace(OUT_OF_MEMORY, '');
  if (leftToUndo.length > 0) {
    const runs = leftToUndo.length === 1 ? `run ${leftToUndo[0]} is recorded failed with its` : `runs ${leftToUndo.join(', ')} are recorded failed with their`;
    return new UserError(`out of memory: DuckDB needed more than its memory budget (${what}), and undoing the run's writes ran out of memory too: `
      + `${runs} writes not yet undone; the next airlock run on this workspace undoes them first. ${MORE_MEMORY}`);
  }
  return new UserError(`out of memory: DuckDB needed more than its memory budget (${what}). What the run had committed is kept and the rest undone; `
    + `a remediation job it left unfinished is finished by airlock remediate RUN. ${MORE_MEMORY}`);
}
