// Runs: the list with reconciliation, one run's detail, running a file with progress and cancel,
// and the analyst's release or rejection of a batch held by a quality gate.
import { existsSync } from 'node:fs';
import { UserError } from '../../contract/errors.js';
import { listRuns } from '../../pipeline/listRuns.js';
import { recoverInterruptedRuns } from '../../pipeline/recover.js';
import { releaseRun, rejectRun } from '../../pipeline/release.js';
import { runBatch } from '../../pipeline/runBatch.js';
import type { RunSummary } from '../../pipeline/types.js';
import type { RunDetail, RunListView, RunView } from '../contract.js';
import { runBadges, STATE_LABEL } from '../runBadges.js';
import { RunCancelledError } from '../errors.js';
import { progressTracker } from '../progress.js';
import type { CallImpl, EngineSession } from '../session.js';

type RunCalls = Pick<CallImpl, 'appInfo' | 'listRuns' | 'getRun' | 'runFile' | 'cancelRun' | 'releaseRun' | 'rejectRun'>;

function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UserError(`${path}: no such ${what}. It may have been moved or renamed; pick it again.`, path);
}

interface RunRow {
  run_id: string; status: string; input_path: string; input_name: string; input_sha256: string; input_bytes: number;
  contract_id: string; contract_version: string; contract_sha256: string; table_name: string; options_json: string; summary_json: string | null;
}

/**
 * A run that was interrupted (killed or cancelled) keeps only a stub summary ({ runId, status,
 * message }); the screens get the full shape, filled from the run's row, with nothing counted.
 */
export function completeSummary(s: Partial<RunSummary>, row: RunRow): RunSummary {
  return {
    runId: row.run_id, status: row.status as RunSummary['status'],
    sourceRows: 0, successRows: 0, quarantineRows: 0, fastLaneRows: 0, remediatedRows: 0, duplicateRows: 0, malformedRows: 0, pendingRows: 0,
    clusters: 0, proposals: 0, modelCalls: 0, reconciled: false, gates: [], reconciliation: [],
    timingsMs: { ingest: 0, validate: 0, remediate: 0, promote: 0, total: 0 },
    contract: { id: row.contract_id, version: row.contract_version, signature: '', sha256: row.contract_sha256, table: row.table_name },
    input: { name: row.input_name, sha256: row.input_sha256, bytes: Number(row.input_bytes), format: '' },
    ...s,
  };
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
      const engine = await session.engine();
      const rows = new Map((engine.sqlite.prepare('SELECT * FROM runs').all() as RunRow[]).map((r) => [r.run_id, r]));
      return listRuns(engine).map((item): RunListView => {
        const row = rows.get(item.runId);
        // A running run has no summary yet; its row's status is all there is (a killed one's
        // effective status, 'interrupted', is not a RunStatus: it falls to the stub's verdict).
        const summary = row
          ? completeSummary(row.summary_json ? JSON.parse(row.summary_json) as Partial<RunSummary> : { status: item.status === 'running' ? 'running' : 'failed', ended: 'interrupted' }, row)
          : null;
        const b = summary ? runBadges(summary) : null;
        const state = b?.state ?? 'running';
        return { ...item, state, label: STATE_LABEL[state], tone: b?.tone ?? 'blue', headline: b?.headline ?? 'Running', pendingRows: summary?.pendingRows ?? 0 };
      });
    },

    async getRun({ runId }) {
      const engine = await session.engine();
      const row = engine.sqlite.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
      if (!row) throw new UserError(`run ${runId} is not in this workspace.`);
      if (!row.summary_json) throw new UserError(`run ${runId} has not finished yet (${row.status}).`);
      const alerts = engine.sqlite.prepare('SELECT severity, code, message, created_at AS createdAt FROM alerts WHERE run_id = ? ORDER BY alert_id').all(runId) as RunDetail['alerts'];
      const options = JSON.parse(row.options_json) as { contractPath?: string };
      const summary = completeSummary(JSON.parse(row.summary_json) as Partial<RunSummary>, row);
      return { summary, badges: runBadges(summary), inputPath: row.input_path, contractPath: options.contractPath ?? null, alerts };
    },

    runFile({ file, contractPath, approval, useModels, background }) {
      mustExist(file, 'input file');
      mustExist(contractPath, 'contract file');
      // background: the answer comes once the fast lane is promoted (status 'remediating'), and
      // the remediation job goes on in the session, reporting 'job' events (session.ts).
      return session.exclusive(async (engine) => {
        if (session.isClosing) throw new UserError(`${file}: the app is closing; run the file again when it has opened.`, file);
        const checkCancelled = session.beginRun();
        const track = progressTracker();
        const remediation = useModels ? { modelsDir: ctx.modelsDir } : { modelPath: null, embedderDir: null };
        try {
          const summary = await runBatch(engine, {
            file, contractPath, approval, remediation,
            cancelRequested: () => session.cancelRequested,
            wait: background !== true,
            alongside: background ? { running: () => session.jobRunId, wait: () => session.waitForJob() } : undefined,
            onProgress: (p) => {
              checkCancelled();
              ctx.emit('progress', track(p));
            },
          });
          // (a file run before answers with the earlier run: its job is not this call's to start)
          if (background && summary.status === 'remediating' && !summary.idempotent) session.startJobs(engine, [summary.runId], remediation);
          return withBadges(summary);
        } catch (e) {
          if (!session.endRun()) throw e;
          // Cancelled: runBatch has undone the run and recorded it as cancelled (it asks
          // cancelRequested); anything else left open is undone the same way as after a crash.
          await recoverInterruptedRuns(engine);
          throw new RunCancelledError();
        } finally {
          session.endRun();
        }
      }, { alongsideJob: background === true });
    },

    async cancelRun({ runId }) {
      return { cancelling: await session.cancel(runId) };
    },

    releaseRun({ runId }) {
      return session.exclusive(async (engine) => withBadges(await releaseRun(engine, runId, ctx.analyst)));
    },

    rejectRun({ runId }) {
      return session.exclusive(async (engine) => withBadges(await rejectRun(engine, runId, ctx.analyst)));
    },
  };
}
