// The review history's calls: the run's operations in order (each with undo state), undo of the
// latest, and revert to any earlier point. Every review call that changes something goes through
// `recorded`, so that the history panel lists it and it can be undone exactly.
import { finishInterruptedUndos, listOperations, pruneFinalImages, recordOperation, revertTo, undoBlocked, undoLast, type OperationKind } from '../../remediate/history.js';
import type { Engine } from '../../pipeline/context.js';
import type { CallImpl, EngineSession } from '../session.js';
import { withBadges } from './runs.js';
import { contractOfRun } from '../../export/exportRun.js';
import type { RunSummary } from '../../pipeline/types.js';
import type { OperationView } from '../contract.js';

type HistoryCalls = Pick<CallImpl, 'reviewHistory' | 'undoLast' | 'revertTo'>;

/** Runs one review call as a recorded operation of the run's history. */
export function recorded<T>(session: EngineSession, engine: Engine, runId: string, kind: OperationKind, label: string | ((out: T) => string), fn: () => Promise<T>): Promise<T> {
  return recordOperation(engine, session.contractOf(engine, runId), runId, { kind, label, by: session.ctx.analyst, dataChanging: kind === 'promote' }, fn);
}

function summaryOf(engine: Engine, runId: string): RunSummary {
  return contractOfRun(engine, runId).summary;
}

export function historyCalls(session: EngineSession): HistoryCalls {
  return {
    async reviewHistory({ runId }) {
      // an undo cut short between its two stores is finished first, so the panel shows it done
      await session.exclusive(async (e) => { await finishInterruptedUndos(e); await pruneFinalImages(e); });
      const engine = await session.engine();
      const contract = session.contractOf(engine, runId);
      // a step already undone, or one a later run or the batch's release made final, offers no undo
      const blocked = await undoBlocked(engine, contract, runId);
      const steps: OperationView[] = listOperations(engine.sqlite, runId).map((o) => ({ ...o, undoable: o.undoneAt === null && !blocked.has(o.opId) }));
      // Rules approved on earlier files that this run re-applied (or left for review) are listed
      // first, so that their reuse is never silent; they belong to the run and stay.
      const recipe = summaryOf(engine, runId).recipe;
      if (recipe && recipe.applied + recipe.waiting + (recipe.skipped?.length ?? 0) > 0) {
        const run = engine.sqlite.prepare('SELECT started_at FROM runs WHERE run_id = ?').get(runId) as { started_at: string };
        const parts = [`${recipe.applied} applied`, ...(recipe.waiting ? [`${recipe.waiting} waiting for your review`] : []), ...(recipe.skipped?.length ? [`${recipe.skipped.length} skipped (the contract no longer allows them)`] : [])];
        steps.unshift({ opId: `recipe:${runId}`, runId, seq: 0, kind: 'recipe', label: `Rules approved on earlier files: ${parts.join(', ')}`, by: 'the run', at: run.started_at, undoneAt: null, undoneBy: null, undoable: false });
      }
      return steps;
    },
    undoLast({ runId }) {
      return session.exclusive(async (engine) => {
        await finishInterruptedUndos(engine);
        const op = await undoLast(engine, session.contractOf(engine, runId), runId, session.ctx.analyst);
        return { undone: [op.opId], run: withBadges(summaryOf(engine, runId)) };
      });
    },
    revertTo({ runId, opId }) {
      return session.exclusive(async (engine) => {
        await finishInterruptedUndos(engine);
        const before = listOperations(engine.sqlite, runId).filter((o) => !o.undoneAt).map((o) => o.opId);
        await revertTo(engine, session.contractOf(engine, runId), runId, opId, session.ctx.analyst);
        const after = new Set(listOperations(engine.sqlite, runId).filter((o) => !o.undoneAt).map((o) => o.opId));
        return { undone: before.filter((id) => !after.has(id)), run: withBadges(summaryOf(engine, runId)) };
      });
    },
  };
}
