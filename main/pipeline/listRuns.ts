// Runs of a workspace with their reconciliation, newest first.
import type { Engine } from './context.js';
import type { RunSummary } from './types.js';
import { effectiveStatus } from './runOwner.js';

export interface RunListItem {
  runId: string;
  status: string;
  input: string;
  inputSha256: string;
  contract: string;
  startedAt: string;
  finishedAt: string | null;
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  duplicateRows: number;
  /** fast-lane rows of a held (or halted) batch, not promoted: part of the equation */
  pendingRows: number;
  reconciled: boolean;
  replayOf: string | null;
}

export function listRuns(engine: Engine): RunListItem[] {
  const rows = engine.sqlite.prepare('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC').all() as Array<Record<string, string | number | null>>;
  return rows.map((r) => {
    const s = JSON.parse(String(r.summary_json ?? '{}')) as Partial<RunSummary>;
    return {
      // A 'running' run whose process is gone is shown as interrupted (the next run undoes it).
      runId: String(r.run_id), status: effectiveStatus(String(r.status), r.options_json as string | null), input: String(r.input_name), inputSha256: String(r.input_sha256),
      contract: `${String(r.contract_id)} ${String(r.contract_version)}`, startedAt: String(r.started_at), finishedAt: r.finished_at as string | null,
      sourceRows: s.sourceRows ?? 0, successRows: s.successRows ?? 0, quarantineRows: s.quarantineRows ?? 0, duplicateRows: s.duplicateRows ?? 0, pendingRows: s.pendingRows ?? 0,
      reconciled: s.reconciled ?? false, replayOf: r.replay_of as string | null,
    };
  });
}
