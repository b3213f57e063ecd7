// DuckDB's out-of-memory error becomes one line that says what happened and how to give DuckDB
// more memory (the 50M-row run printed "internal error" and a stack); anything else is left alone.
import { describe, expect, it } from 'vitest';
import { memoryUserError } from '../../main/store/memoryErrors.js';
import { UserError } from '../../main/contract/errors.js';

describe('memoryUserError', () => {
  it('turns DuckDB\'s out-of-memory error into one line naming the budget flag', () => {
    const e = new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (1.3 GiB/1.3 GiB used)\n\nPossible solutions: ...');
    const u = memoryUserError(e);
    expect(u).toBeInstanceOf(UserError);
    expect(u!.message).toBe('out of memory: DuckDB needed more than its memory budget (failed to pin block of size 256.0 KiB (1.3 GiB/1.3 GiB used)). '
      + 'What the run had committed is kept and the rest undone; a remediation job it left unfinished is finished by airlock remediate RUN. '
      + 'Give DuckDB more memory with --memory-limit (or AIRLOCK_MEMORY_LIMIT), e.g. --memory-limit 3GB, and try again.');
    expect(u!.message).not.toContain('\n');
  });

  it('leaves every other error alone, a message that only mentions memory included', () => {
    for (const e of [new Error('Binder Error: column x not found'), new Error('the run failed: Out of Memory Error: later in the text'), 'x', null, undefined, { message: 'Out of Memory Error: not an Error' }]) {
      expect(memoryUserError(e)).toBeNull();
    }
  });
});
