// A background job the analyst cancelled ('cancelling' in the store) whose undo fails again when
// the next run starts, or when `airlock remediate` resumes another run's job: neither may write the
// stream on top of the cancelled run, because the cancelled run is undone later all the same
// (the next opening, the next run or `airlock remediate`), and its undo puts back the rows it had
// superseded, beside the newer run's rows of the same keys. Production must never hold a key twice.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli.js';
import { loadContractFile } from '../../main/contract/load.js';
import { openEngine } from '../../main/pipeline/context.js';
import { requestCancel } from '../../main/remediate/job.js';
import { queryRows } from '../../main/store/duckdb.js';
import { streamTables } from '../../main/store/tables.js';
import { tempDir } from '../helpers/tmp.js';

const armed = vi.hoisted(() => ({ failUndoOf: null as string | null, failRemediationOf: null as string | null }));

vi.mock('../../main/remediate/remediate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/remediate/remediate.js')>();
  return {
    ...real,
    remediateRun: vi.fn(async (...args: Parameters<typeof real.remediateRun>) => {
      if (armed.failRemediationOf !== null && args[1].runId === armed.failRemediationOf) {
        armed.failRemediationOf = null;
        throw new Error('Out of Memory Error: failed to allocate data of size 64.0 MiB');
      }
      return real.remediateRun(...args);
    }),
  };
});

vi.mock('../../main/pipeline/promote.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/pipeline/promote.js')>();
  return {
    ...real,
    undoRun: vi.fn(async (...args: Parameters<typeof real.undoRun>) => {
      if (armed.failUndoOf !== null && args[2] === armed.failUndoOf) {
        armed.failUndoOf = null;
        throw new Error('Out of Memory Error: failed to pin block of size 256.0 KiB');
      }
      return real.undoRun(...args);
    }),
  };
});

const CONTRACT_YAML = `apiVersion: v3.1.0
kind: DataContract
id: cancel-undo-later
name: cancel-undo-later
version: 1.0.0
schema:
  - name: cancel_undo_later
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: integer}
`;

beforeEach(() => { vi.spyOn(process.stderr, 'write').mockImplementation(() => true); });
afterEach(() => { vi.restoreAllMocks(); });

function runsOf(ws: string): Array<{ run_id: string; status: string }> {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT run_id, status FROM runs ORDER BY started_at, rowid').all() as Array<{ run_id: string; status: string }>;
  } finally {
    db.close();
  }
}

describe('a cancelled job whose undo fails again when the next run starts', () => {
  it('the next run does not write on top of it: production never holds a key twice', async () => {
    const dir = tempDir('cancel-undo-later');
    const ws = join(dir, 'ws');
    const contract = join(dir, 'c.odcs.yaml');
    writeFileSync(contract, CONTRACT_YAML);
    const rows = (from: number, to: number, amount: (i: number) => number) => Array.from({ length: to - from + 1 }, (_, k) => `${from + k},${amount(from + k)}`);
    const base = join(dir, 'base.csv');
    const cancelled = join(dir, 'cancelled.csv');
    const later = join(dir, 'later.csv');
    writeFileSync(base, ['id,amount', ...rows(1, 50, (i) => i)].join('\n') + '\n');
    writeFileSync(cancelled, ['id,amount', ...rows(1, 20, (i) => i + 1000), '81,x'].join('\n') + '\n');
    writeFileSync(later, ['id,amount', ...rows(1, 20, (i) => i + 2000)].join('\n') + '\n');
    const run = (file: string, ...extra: string[]) => main(['run', file, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', ...extra]);

    expect(await run(base)).toBe(0);
    // The second file's fast lane is promoted and its job left pending (as the app's background job)...
    await run(cancelled, '--no-wait');
    const a = runsOf(ws)[1];
    expect(a.status).toBe('remediating');
    // ...and the analyst cancels it; the process stops before the undo (as a kill would).
    {
      const engine = await openEngine(ws, [], { create: false });
      try { requestCancel(engine, a.run_id); } finally { engine.close(); }
    }
    // The next run tries the undo first, and it fails again.
    armed.failUndoOf = a.run_id;
    const refused = await run(later);
    expect(armed.failUndoOf, 'the undo of the cancelled run was tried').toBeNull();
    expect(refused, 'the later run is refused before it writes').toBe(2);
    // Later still, the cancelled run's undo is finished (the next run on the workspace).
    await run(base);
    expect(runsOf(ws).find((r) => r.run_id === a.run_id)?.status).toBe('failed');

    const st = streamTables(loadContractFile(contract));
    const engine = await openEngine(ws, [], { create: false });
    try {
      const dup = await queryRows<{ id: number; n: number }>(engine.duck.conn, `SELECT id, count(*)::INTEGER AS n FROM ${st.prod} GROUP BY id HAVING count(*) > 1 ORDER BY id`);
      expect(dup.map((d) => d.id), 'keys held twice in production').toEqual([]);
    } finally {
      engine.close();
    }
  }, 240_000);

  it('`airlock remediate` of another run does not resume it on top of the cancelled run either', async () => {
    const dir = tempDir('cancel-undo-remediate');
    const ws = join(dir, 'ws');
    const contract = join(dir, 'c.odcs.yaml');
    writeFileSync(contract, CONTRACT_YAML);
    const rows = (from: number, to: number, amount: (i: number) => number) => Array.from({ length: to - from + 1 }, (_, k) => `${from + k},${amount(from + k)}`);
    const base = join(dir, 'base.csv');
    const cancelled = join(dir, 'cancelled.csv');
    const resumed = join(dir, 'resumed.csv');
    writeFileSync(base, ['id,amount', ...rows(1, 50, (i) => i)].join('\n') + '\n');
    writeFileSync(cancelled, ['id,amount', ...rows(1, 20, (i) => i + 1000), '81,x'].join('\n') + '\n');
    writeFileSync(resumed, ['id,amount', ...rows(1, 20, (i) => i + 2000), '82,y'].join('\n') + '\n');
    const run = (file: string, ...extra: string[]) => main(['run', file, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', ...extra]);

    expect(await run(base)).toBe(0);
    await run(cancelled, '--no-wait');
    const a = runsOf(ws)[1];
    // The next file's run finishes the pending job first, which fails (left failed: the run goes
    // on), and is itself left pending.
    armed.failRemediationOf = a.run_id;
    await run(resumed, '--no-wait');
    expect(armed.failRemediationOf, 'the first job was tried and failed').toBeNull();
    const b = runsOf(ws)[2];
    expect([a.status, runsOf(ws)[1].status, b.status]).toEqual(['remediating', 'remediating', 'remediating']);
    // The analyst cancels the first run; the process stops before the undo.
    {
      const engine = await openEngine(ws, [], { create: false });
      try { requestCancel(engine, a.run_id); } finally { engine.close(); }
    }
    // `airlock remediate` of the second run tries the first one's undo, which fails again: refused.
    armed.failUndoOf = a.run_id;
    const refused = await main(['remediate', b.run_id, '--workspace', ws]);
    expect(armed.failUndoOf, 'the undo of the cancelled run was tried').toBeNull();
    expect(refused, 'the resumed job is refused before it writes').toBe(2);
    expect(runsOf(ws)[2].status).toBe('remediating');
    // Tried again with the undo succeeding: the cancelled run is undone first, then the job runs.
    expect(await main(['remediate', b.run_id, '--workspace', ws])).toBe(0);
    const after = runsOf(ws);
    expect([after[1].status, after[2].status]).toEqual(['failed', 'completed']);

    const st = streamTables(loadContractFile(contract));
    const engine = await openEngine(ws, [], { create: false });
    try {
      const dup = await queryRows<{ id: number; n: number }>(engine.duck.conn, `SELECT id, count(*)::INTEGER AS n FROM ${st.prod} GROUP BY id HAVING count(*) > 1 ORDER BY id`);
      expect(dup.map((d) => d.id), 'keys held twice in production').toEqual([]);
      const amounts = await queryRows<{ amount: number }>(engine.duck.conn, `SELECT amount FROM ${st.prod} WHERE id IN (1, 20) ORDER BY id`);
      expect(amounts.map((r) => Number(r.amount)), 'the resumed run\'s values stand').toEqual([2001, 2020]);
    } finally {
      engine.close();
    }
  }, 240_000);
});
