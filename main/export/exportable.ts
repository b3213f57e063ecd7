// Whether a run has anything to export, said in one line before any file is touched: a halted
// run promoted nothing and created no tables, an interrupted or failed one had its writes undone.
import { UserError } from '../contract/errors.js';
import type { Engine } from '../pipeline/context.js';
import type { RunSummary } from '../pipeline/types.js';

const COUNTS = ['sourceRows', 'successRows', 'quarantineRows', 'duplicateRows'] as const;

export function assertExportable(engine: Engine, runId: string): RunSummary {
  const run = engine.sqlite.prepare('SELECT status, summary_json FROM runs WHERE run_id = ?').get(runId) as { status: string; summary_json: string | null } | undefined;
  if (!run) throw new UserError(`run ${runId} is not in workspace ${engine.ws.root}. List runs with: airlock runs`);
  let summary: Partial<RunSummary> = {};
  try {
    summary = JSON.parse(run.summary_json ?? '{}') as Partial<RunSummary>;
  } catch {
    /* an unreadable summary is refused below like a missing one */
  }
  const others = 'Export a run that completed (list them with: airlock runs).';
  switch (run.status) {
    case 'halted':
      throw new UserError(`run ${runId} was halted by schema drift: nothing was promoted, nothing to export. ${others}`);
    case 'running':
      throw new UserError(`run ${runId} is still running or was interrupted: nothing to export yet. ${others}`);
    case 'failed':
      throw new UserError(`run ${runId} failed${summary.message ? ` (${summary.message})` : ''}: its writes were undone, nothing to export. ${others}`);
    default:
      break;
  }
  if (COUNTS.some((k) => typeof summary[k] !== 'number')) {
    throw new UserError(`run ${runId} (${run.status}) has no complete summary: nothing to export. ${others}`);
  }
  return summary as RunSummary;
}
