// Runs: the list with reconciliation, one run's detail, running a file with progress and cancel,
// and the analyst's release or rejection of a batch held by a quality gate.
import { existsSync } from 'node:fs';
import { UserError } from '../../contract/errors.js';
import { listRuns } from '../../pipeline/listRuns.js';
import { recoverInterruptedRuns } from '../../pipeline/recover.js';
import { releaseRun, rejectRun } from '../../pipeline/release.js';
import { runBatch } from '../../pipeline/runBatch.js';
import type { RunSummary } from '../../pipeline/types.js';
import type { RunDetail, RunView } from '../contract.js';
import { runBadges } from '../runBadges.js';
import { RunCancelledError } from '../errors.js';
import { progressTracker } from '../progress.js';
import type { CallImpl, EngineSession } from '../session.js';

type RunCalls = Pick<CallImpl, 'appInfo' | 'listRuns' | 'getRun' | 'runFile' | 'cancelRun' | 'releaseRun' | 'rejectRun'>;

function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UserError(`${path}: no such ${what}. It may have been moved or renamed; pick it again.`, path);
}

/** The summary as the screens get it: with the badges they show. */
export function withBadges(summary: RunSummary): RunView {
  return { ...summary, badges: runBadges(summary) };
}

export function runCalls(session: EngineSession): RunCalls {
  const { ctx } = session;
  return {
    async appInfo() {
      return { workspace: ctx.workspace, exportsDir: session.exportsDir, modelsDir: ctx.modelsDir, analyst: ctx.analyst, version: ctx.version };
    },

    async listRuns() {
      return listRuns(await session.engine());
    },

    async getRun({ runId }) {
      const engine = await session.engine();
      const row = engine.sqlite.prepare('SELECT status, input_path, options_json, summary_json FROM runs WHERE run_id = ?').get(runId) as
        { status: string; input_path: string; options_json: string; summary_json: string | null } | undefined;
      if (!row) throw new UserError(`run ${runId} is not in this workspace.`);
      if (!row.summary_json) throw new UserError(`run ${runId} has not finished yet (${row.status}).`);
      const alerts = engine.sqlite.prepare('SELECT severity, code, message, created_at AS createdAt FROM alerts WHERE run_id = ? ORDER BY alert_id').all(runId) as RunDetail['alerts'];
      const options = JSON.parse(row.options_json) as { contractPath?: string };
      const summary = JSON.parse(row.summary_json) as RunSummary;
      return { summary, badges: runBadges(summary), inputPath: row.input_path, contractPath: options.contractPath ?? null, alerts };
    },

    runFile({ file, contractPath, approval, useModels }) {
      mustExist(file, 'input file');
      mustExist(contractPath, 'contract file');
      return session.exclusive(async (engine) => {
        const checkCancelled = session.beginRun();
        const track = progressTracker();
        try {
          return withBadges(await runBatch(engine, {
            file, contractPath, approval,
            remediation: useModels ? { modelsDir: ctx.modelsDir } : { modelPath: null, embedderDir: null },
            onProgress: (p) => {
              checkCancelled();
              ctx.emit('progress', track(p));
            },
          }));
        } catch (e) {
          if (!session.endRun()) throw e;
          // Cancelled: what the run wrote is undone the same way as after a crash.
          await recoverInterruptedRuns(engine);
          throw new RunCancelledError();
        } finally {
          session.endRun();
        }
      });
    },

    async cancelRun() {
      return { cancelling: await session.cancel() };
    },

    releaseRun({ runId }) {
      return session.exclusive(async (engine) => withBadges(await releaseRun(engine, runId, ctx.analyst)));
    },

    rejectRun({ runId }) {
      return session.exclusive(async (engine) => withBadges(await rejectRun(engine, runId, ctx.analyst)));
    },
  };
}
