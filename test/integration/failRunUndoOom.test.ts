// A run that fails with DuckDB out of its memory budget, whose undo then runs out of memory too,
// through the command line in this process (main): the run is not left 'running' but recorded
// failed with its undo pending, the one line says its writes were not undone (not "the rest
// undone"), exit 2; the next run on the workspace finishes the undo first, and production, history
// and quarantine are as if the failed run had never happened.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli.js';
import { loadContractFile } from '../../main/contract/load.js';
import { openEngine } from '../../main/pipeline/context.js';
import { queryRows } from '../../main/store/duckdb.js';
import { streamTables } from '../../main/store/tables.js';
import { tempDir } from '../helpers/tmp.js';

const armed = vi.hoisted(() => ({ failFinalCount: false, failUndo: false, undoCalls: 0 }));
const OOM = 'Out of Memory Error: failed to pin block of size 256.0 KiB (1.0 MiB/1.0 MiB used)\n\nPossible solutions: ...';

// The run fails as it counts its rows after the fast lane is committed to production (still 'running').
vi.mock('../../main/pipeline/reconcile.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/pipeline/reconcile.js')>();
  return {
    ...real,
    reconcile: vi.fn(async (...args: Parameters<typeof real.reconcile>) => {
      if (armed.failFinalCount && args[2] === 'final') {
        armed.failFinalCount = false;
        throw new Error(OOM);
      }
      return real.reconcile(...args);
    }),
  };
});
// ...and the undo of what it wrote fails the same way.
vi.mock('../../main/pipeline/promote.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/pipeline/promote.js')>();
  return {
    ...real,
    undoRun: vi.fn(async (...args: Parameters<typeof real.undoRun>) => {
      armed.undoCalls++;
      if (armed.failUndo) {
        armed.failUndo = false;
        throw new Error(OOM);
      }
      return real.undoRun(...args);
    }),
  };
});

const CONTRACT_YAML = `apiVersion: v3.1.0
kind: DataContract
id: undo-oom
name: undo-oom
version: 1.0.0
schema:
  - name: undo_oom
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: integer}
`;
let CONTRACT = '';

/** 50 rows; then 20 of them changed, 30 new and one that is quarantined (so that the second run replaces, adds and sets aside rows). */
function writeInputs(dir: string): { base: string; next: string } {
  CONTRACT = join(dir, 'c.odcs.yaml');
  writeFileSync(CONTRACT, CONTRACT_YAML);
  const base = join(dir, 'base.csv');
  const next = join(dir, 'next.csv');
  const rows = (from: number, to: number, amount: (i: number) => number) => Array.from({ length: to - from + 1 }, (_, k) => `${from + k},${amount(from + k)}`);
  writeFileSync(base, ['id,amount', ...rows(1, 50, (i) => i)].join('\n') + '\n');
  writeFileSync(next, ['id,amount', ...rows(1, 20, (i) => i + 1000), ...rows(51, 80, (i) => i), '81,x'].join('\n') + '\n');
  return { base, next };
}

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => { vi.restoreAllMocks(); });

async function cli(file: string, ws: string): Promise<{ code: number; lines: string[] }> {
  stderr = [];
  const code = await main(['run', file, '--contract', CONTRACT, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder']);
  return { code, lines: stderr.join('').split('\n').filter((l) => l.startsWith('airlock: ')) };
}

async function streamState(ws: string): Promise<Record<string, unknown[]>> {
  const st = streamTables(loadContractFile(CONTRACT));
  const engine = await openEngine(ws, [], { create: false });
  try {
    return {
      prod: await queryRows(engine.duck.conn, `SELECT * FROM ${st.prod} ORDER BY _airlock_row_id`),
      history: await queryRows(engine.duck.conn, `SELECT * FROM ${st.history} ORDER BY ALL`),
      quarantine: await queryRows(engine.duck.conn, `SELECT * FROM ${st.quarantine} ORDER BY ALL`),
    };
  } finally {
    engine.close();
  }
}

function runsOf(ws: string): Array<{ run_id: string; status: string; options_json: string; summary_json: string | null }> {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT run_id, status, options_json, summary_json FROM runs ORDER BY started_at, rowid').all() as ReturnType<typeof runsOf>;
  } finally {
    db.close();
  }
}

describe('a failed run whose undo runs out of memory too', () => {
  it('is recorded failed, not running; the line says it was not undone; the next run undoes it', async () => {
    const dir = tempDir('oom-undo');
    const ws = join(dir, 'ws');
    const { base, next: nextFile } = writeInputs(dir);
    const first = await cli(base, ws);
    expect(first.code, stderr.join('')).toBe(0);
    const before = await streamState(ws);

    armed.failFinalCount = true;
    armed.failUndo = true;
    armed.undoCalls = 0;
    const failed = await cli(nextFile, ws);
    expect(armed.failFinalCount, 'the run reached its count after the promotion').toBe(false);
    expect(armed.undoCalls, 'the undo was tried').toBeGreaterThan(0);
    expect(failed.code).toBe(2);
    expect(failed.lines).toHaveLength(1);
    const [line] = failed.lines;
    expect(line).toMatch(/^airlock: out of memory: DuckDB needed more than its memory budget \(failed to pin block/);
    expect(line).not.toContain('the rest undone');
    const runs = runsOf(ws);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    const second = runs[runs.length - 1];
    expect(second.status).toBe('failed');
    expect(line).toContain(`run ${second.run_id} is recorded failed with its writes not yet undone; the next airlock run on this workspace undoes them first`);
    expect(line).toContain('--memory-limit');
    expect(JSON.parse(second.summary_json!).message).toMatch(/undoing its writes failed too .*the next run on this workspace undoes them first/);
    // the failed run's rows are still in production until then
    expect((await streamState(ws)).prod).not.toEqual(before.prod);

    // the next run on the workspace (the same first file again) finishes the undo before anything else
    const next = await cli(base, ws);
    expect(next.code, stderr.join('')).toBe(0);
    expect(await streamState(ws)).toEqual(before);
    const after = runsOf(ws).find((r) => r.run_id === second.run_id)!;
    expect(after.status).toBe('failed');
    expect(JSON.parse(after.options_json).undoPending).toBeUndefined();
    expect(JSON.parse(after.summary_json!).message).toMatch(/^failed and undone: Out of Memory Error: failed to pin block/);
    expect(runsOf(ws).filter((r) => r.status === 'running')).toEqual([]);
  }, 240_000);
});
