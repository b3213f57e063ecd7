// The run's badges: what the Run screen, the run list and the signed report say about a run,
// decided in one place so they can never disagree. Pure: a function of the summary only.
//
// A stage balances when source = success + quarantine + duplicates + pending AND the engine
// said so. Pending rows are those routed to the fast lane of a held (or drift-halted) batch and
// not promoted yet; leaving them out is how the report came to call a balanced held batch
// "broken" (B7). A run whose accounting does not close is a Sev-1 and outranks every other
// state: it is never shown as completed, whatever its status says.
import type { Reconciliation, RunSummary } from '../pipeline/types.js';

export type RunState = 'completed' | 'sev1' | 'halted' | 'held' | 'already-processed' | 'rejected' | 'interrupted' | 'running';
export type BadgeTone = 'green' | 'red' | 'amber' | 'blue' | 'grey' | 'violet';

export interface RowCounts {
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  duplicateRows: number;
  pendingRows: number;
}

export interface StageBadge extends RowCounts {
  stage: string;
  balanced: boolean;
  label: 'balanced' | 'broken';
  tone: 'green' | 'red';
  /** "1,000 = 602 + 398 + 0 + 0": source = success + quarantine + duplicates + pending */
  equation: string;
}

export interface RunBadges {
  state: RunState;
  tone: BadgeTone;
  /** the banner's first line */
  headline: string;
  /** the numbers behind the headline, in words */
  detail: string;
  /** every stage balanced and the engine's own verdict was reconciled */
  reconciled: boolean;
  /** the counts the state is about: the first broken stage's for a Sev-1, else the run's */
  counts: RowCounts;
  /** the first stage that did not balance, if any */
  brokenStage: string | null;
  stages: StageBadge[];
}

const n = (v: number) => v.toLocaleString('en-US');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function countsOf(r: Partial<RowCounts>): RowCounts {
  return { sourceRows: num(r.sourceRows), successRows: num(r.successRows), quarantineRows: num(r.quarantineRows), duplicateRows: num(r.duplicateRows), pendingRows: num(r.pendingRows) };
}

export function adds(c: RowCounts): boolean {
  return c.sourceRows === c.successRows + c.quarantineRows + c.duplicateRows + c.pendingRows;
}

export function equationText(c: RowCounts): string {
  return `${n(c.sourceRows)} ${adds(c) ? '=' : '≠'} ${n(c.successRows)} + ${n(c.quarantineRows)} + ${n(c.duplicateRows)} + ${n(c.pendingRows)}`;
}

/** "source 1,000, success 5, quarantine 0, duplicates 0, pending 0" */
export function countsText(c: RowCounts): string {
  return `source ${n(c.sourceRows)}, success ${n(c.successRows)}, quarantine ${n(c.quarantineRows)}, duplicates ${n(c.duplicateRows)}, pending ${n(c.pendingRows)}`;
}

export function stageBadge(r: Reconciliation): StageBadge {
  const c = countsOf(r);
  const balanced = r.ok === true && adds(c);
  return { stage: String(r.stage), ...c, balanced, label: balanced ? 'balanced' : 'broken', tone: balanced ? 'green' : 'red', equation: equationText(c) };
}

export function runBadges(summary: RunSummary): RunBadges {
  const stages = (summary.reconciliation ?? []).map(stageBadge);
  const broken = stages.find((s) => !s.balanced) ?? null;
  const total = countsOf(summary);
  const reconciled = summary.reconciled === true && !broken && adds(total) && summary.status !== 'failed';
  const base = { reconciled, stages, brokenStage: broken?.stage ?? null };

  // Still going: no verdict yet either way.
  if (summary.status === 'running') {
    return { ...base, reconciled: false, state: 'running', tone: 'blue', counts: total, headline: 'Running', detail: 'The run has not finished; its rows are counted when it does' };
  }
  // Failed before any stage was reconciled: killed or cancelled, and everything it wrote was
  // undone on recovery (a Sev-1 always records the stage that broke).
  if (summary.status === 'failed' && stages.length === 0) {
    return {
      ...base, reconciled: false, state: 'interrupted', tone: 'grey', counts: total,
      headline: 'Interrupted: the run did not finish, and everything it wrote was undone',
      detail: 'Nothing from this run is in production; the raw file stays in the vault and can be run again',
    };
  }
  if (!reconciled) {
    // A Sev-1 names the numbers that do not close: the stage where it broke, else the run's.
    const counts = broken ? countsOf(broken) : total;
    const where = broken ? ` after ${broken.stage}` : '';
    return {
      ...base, state: 'sev1', tone: 'red', counts,
      headline: `Failed (Sev-1): the rows do not add up${where}`,
      detail: `${countsText(counts)}: ${equationText(counts)} (source = success + quarantine + duplicates + pending)`,
    };
  }
  const numbers = countsText(total);
  if (summary.idempotent) {
    return {
      ...base, state: 'already-processed', tone: 'blue', counts: total,
      headline: `Already processed${summary.previousRunId ? ` by ${summary.previousRunId}` : ''}: nothing changed`,
      detail: `This file was run before with this contract version (that run ${summary.status}); ${numbers}`,
    };
  }
  switch (summary.status) {
    case 'completed':
      return { ...base, state: 'completed', tone: 'green', counts: total, headline: 'Completed: clean rows are in production', detail: numbers };
    case 'held':
      return { ...base, state: 'held', tone: 'amber', counts: total, headline: 'Held by a quality gate: nothing promoted until you decide', detail: `${n(total.pendingRows)} rows wait for release or rejection; ${numbers}` };
    case 'halted':
      return { ...base, state: 'halted', tone: 'violet', counts: total, headline: 'Halted: the file does not match the contract', detail: `Nothing was promoted; ${n(total.pendingRows)} rows wait in the vault; ${numbers}` };
    case 'rejected':
      return { ...base, state: 'rejected', tone: 'grey', counts: total, headline: 'Rejected: nothing from this batch was promoted', detail: numbers };
    default:
      // An unknown status is not evidence that the run went well.
      return { ...base, reconciled: false, state: 'sev1', tone: 'red', counts: total, headline: `Failed (Sev-1): the run ended as "${String(summary.status)}"`, detail: `${countsText(total)}: ${equationText(total)}` };
  }
}
