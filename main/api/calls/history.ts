// The review history's calls: the run's operations in order (each with undo state), undo of the
// latest, and revert to any earlier point. Every review call that changes something goes through
// `recorded`, so that the history panel lists it and it can be undone exactly.
import { listOperations, recordOperation, revertTo, undoLast, type OperationKind } from '../../remediate/history.js';
import type { Engine } from '../../pipeline/context.js';
import type { CallImpl, EngineSession } from '../session.js';
import { withBadges } from './runs.js';
import { contractOfRun } from '../../export/exportRun.js';
import type { RunSummary } from '../../pipeline/types.js';

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
      const engine = await session.engine();
      session.contractOf(engine, runId);
      return listOperations(engine.sqlite, runId);
    },
    undoLast({ runId }) {
      return session.exclusive(async (engine) => {
        const op = await undoLast(engine, session.contractOf(engine, runId), runId, session.ctx.analyst);
        return { undone: [op.opId], run: withBadges(summaryOf(engine, runId)) };
      });
    },
    revertTo({ runId, opId }) {
      return session.exclusive(async (engine) => {
        const before = listOperations(engine.sqlite, runId).filter((o) => !o.undoneAt).map((o) => o.opId);
        await revertTo(engine, session.contractOf(engine, runId), runId, opId, session.ctx.analyst);
        const after = new Set(listOperations(engine.sqlite, runId).filter((o) => !o.undoneAt).map((o) => o.opId));
        return { undone: before.filter((id) => !after.has(id)), run: withBadges(summaryOf(engine, runId)) };
      });
    },
  };
}
