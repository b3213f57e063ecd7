// A run recorded failed with its undo pending (its undo ran out of memory too: recover.ts) still
// has its rows in production until the next run undoes them. The app must not tell the analyst
// otherwise: its run list and run detail badges must not say "everything it wrote was undone" /
// "Nothing from this run is in production" for such a run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli.js';
import { recordingHandlers, storeOf, value } from '../helpers/jobEvents.js';
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
id: undo-oom-badge
name: undo-oom-badge
version: 1.0.0
schema:
  - name: undo_oom_badge
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

beforeEach(() => { vi.spyOn(process.stderr, 'write').mockImplementation(() => true); });
afterEach(() => { vi.restoreAllMocks(); });

const cli = (file: string, ws: string) => main(['run', file, '--contract', CONTRACT, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder']);

describe('the badges of a failed run whose undo is still pending', () => {
  it('do not say its writes were undone', async () => {
    const dir = tempDir('oom-undo-badge');
    const ws = join(dir, 'ws');
    const { base, next } = writeInputs(dir);
    expect(await cli(base, ws)).toBe(0);
    armed.failFinalCount = true;
    armed.failUndo = true;
    expect(await cli(next, ws)).toBe(2);
    const runs = storeOf(ws).runs;
    const failed = runs[runs.length - 1];
    expect(failed.status).toBe('failed');

    const h = recordingHandlers(ws, join(dir, 'no-models'));
    try {
      const detail = value(await h.table.getRun({ runId: failed.run_id }));
      expect(detail.summary.message).toMatch(/undoing its writes failed too/);
      expect(`${detail.badges.headline} | ${detail.badges.detail}`).not.toMatch(/everything it wrote was undone|Nothing from this run is in production/);
      const listed = value(await h.table.listRuns({})).find((r) => r.runId === failed.run_id)!;
      expect(listed.headline).not.toMatch(/everything it wrote was undone/);
    } finally {
      await h.close();
    }
  }, 240_000);
});
