// Whether a run has anything to export, said in one line before any file is touched: a halted
// run promoted nothing and created no tables, an interrupted or failed one had its writes undone.
import { UserError } from '../contract/errors.js';
import type { Engine } from '../pipeline/context.js';
import type { RunSummary } from '../pipeline/types.js';

const COUNTS = ['sourceRows', 'successRows', 'quarantineRows', 'duplicateRows'] as const;

export function assertExportable(engine: Engine, runId: string): RunSummary {
  const run = engine.sqlite.prepare('SELECT status, summary_json FROM runs WHERE run_id = ?').get(runId) as { status: string; summary_json: string | null } | undefined;
  if (!run) throw new UserError(`run ${runId} is not in workspace ${engine.ws.root}. List runs with: airlock runs`).inTheApp(`run ${runId} is not in this workspace. Pick a run on the Start screen.`);
  let summary: Partial<RunSummary> = {};
  try {
    summary = JSON.parse(run.summary_json ?? '{}') as Partial<RunSummary>;
  } catch {
    /* an unreadable summary is refused below like a missing one */
  }
  const refuse = (why: string) => new UserError(`${why} Export a run that completed (list them with: airlock runs).`)
    .inTheApp(`${why} Pick a run that finished on the Start screen to export it.`);
  switch (run.status) {
    case 'halted':
      throw refuse(`run ${runId} was halted by schema drift: nothing was promoted, nothing to export.`);
    case 'running':
      throw refuse(`run ${runId} is still running or was interrupted: nothing to export yet.`);
    case 'failed':
      throw refuse(`run ${runId} ${summary.ended === 'cancelled' ? 'was cancelled' : 'failed'}${summary.message ? ` (${summary.message})` : ''}: its writes were undone, nothing to export.`);
    default:
      break;
  }
  if (COUNTS.some((k) => typeof summary[k] !== 'number')) {
    throw refuse(`run ${runId} (${run.status}) has no complete summary: nothing to export.`);
  }
  return summary as RunSummary;
}
