// DuckDB past its memory budget, through the real command line: one line (no stack, no "internal
// error") saying so and naming --memory-limit, exit 2, and no run left 'running' in the store.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const BEERS = join(SHARED, 'bench', 'beers');

describe('airlock run under a memory budget DuckDB cannot work in', () => {
  it('says out of memory in one line, names --memory-limit, and leaves no run running', async () => {
    const ws = join(tempDir('oom-cli'), 'ws');
    const res = await runCli(['run', join(BEERS, 'dirty.csv'), '--contract', join(BEERS, 'contract.odcs.yaml'), '--workspace', ws,
      '--approve-all', '--no-model', '--no-embedder', '--memory-limit', '1MB']);
    const line = expectUserError(res);
    expect(line).toMatch(/^airlock: out of memory: DuckDB needed more than its memory budget \(.+\)\. /);
    expect(line).toContain('--memory-limit');
    const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM runs WHERE status = 'running'`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 120_000);
});
