// Runs of a workspace with their reconciliation, newest first.
import type { Engine } from './context.js';
import type { RunSummary } from './types.js';

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
  reconciled: boolean;
  replayOf: string | null;
}

export function listRuns(engine: Engine): RunListItem[] {
  const rows = engine.sqlite.prepare('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC').all() as Array<Record<string, string | number | null>>;
  return rows.map((r) => {
    const s = JSON.parse(String(r.summary_json ?? '{}')) as Partial<RunSummary>;
    return {
      runId: String(r.run_id), status: String(r.status), input: String(r.input_name), inputSha256: String(r.input_sha256),
      contract: `${String(r.contract_id)} ${String(r.contract_version)}`, startedAt: String(r.started_at), finishedAt: r.finished_at as string | null,
      sourceRows: s.sourceRows ?? 0, successRows: s.successRows ?? 0, quarantineRows: s.quarantineRows ?? 0, duplicateRows: s.duplicateRows ?? 0,
      reconciled: s.reconciled ?? false, replayOf: r.replay_of as string | null,
    };
  });
}
