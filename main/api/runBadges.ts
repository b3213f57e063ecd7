// The reconciliation badges of a run, computed once for every place that shows them (the Run
// screen, the audit report): a stage balances when source = success + quarantine + duplicates +
// pending, so a held batch's pending rows count, and the stage's own check (ok) must hold too.
// Pure: no engine, no I/O; the renderer receives the result or calls this on the API's summary.
import type { RunSummary } from '../pipeline/types.js';

export type BadgeTone = 'green' | 'red';

export interface Badge {
  ok: boolean;
  label: string;
  tone: BadgeTone;
}

export interface RunBadges {
  reconciled: Badge;
  stages: Array<Badge & { stage: string }>;
}

interface Counts {
  sourceRows?: unknown;
  successRows?: unknown;
  quarantineRows?: unknown;
  duplicateRows?: unknown;
  pendingRows?: unknown;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** source = success + quarantine + duplicates + pending, on whole numbers. */
export function balances(c: Counts): boolean {
  return typeof c.sourceRows === 'number' && n(c.sourceRows) === n(c.successRows) + n(c.quarantineRows) + n(c.duplicateRows) + n(c.pendingRows);
}

const badge = (ok: boolean, yes: string, no: string): Badge => ({ ok, label: ok ? yes : no, tone: ok ? 'green' : 'red' });

export function runBadges(summary: RunSummary): RunBadges {
  const stages = (summary.reconciliation ?? []).map((s) => ({ stage: s.stage, ...badge(s.ok !== false && balances(s), 'balanced', 'broken') }));
  return { reconciled: badge(summary.reconciled !== false && balances(summary), 'reconciled', 'does not reconcile'), stages };
}
