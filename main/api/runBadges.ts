// The run's badges: what the Run screen, the run list and the signed report say about a run,
// decided in one place so they can never disagree. Pure: a function of the summary only.
//
// A stage balances when source = success + quarantine + duplicates + pending AND the engine
// said so. Pending rows are those routed to the fast lane of a held (or drift-halted) batch and
// not promoted yet; leaving them out is how the report came to call a balanced held batch
// "broken" (B7). A run whose accounting does not close is a Sev-1 and outranks every other
// state: it is never shown as completed, whatever its status says.
import type { GateResult, Reconciliation, RunSummary } from '../pipeline/types.js';

export type RunState =
  | 'completed' | 'completed-with-quarantine' | 'sev1' | 'halted' | 'held' | 'already-processed' | 'rejected'
  | 'cancelled' | 'interrupted' | 'running';
export type BadgeTone = 'green' | 'gold' | 'red' | 'amber' | 'blue' | 'grey' | 'slate' | 'violet';

/** The state's name in a word or two, for the run list, the run picker and the report. */
export const STATE_LABEL: Record<RunState, string> = {
  completed: 'completed',
  'completed-with-quarantine': 'rows in quarantine',
  sev1: 'failed: Sev-1',
  halted: 'halted: drift',
  held: 'held by gate',
  'already-processed': 'already processed',
  rejected: 'rejected',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  running: 'running',
};

/** Each state's look, so a list row, the banner and the report colour it alike. */
export const STATE_TONE: Record<RunState, BadgeTone> = {
  completed: 'green',
  'completed-with-quarantine': 'gold',
  sev1: 'red',
  halted: 'violet',
  held: 'amber',
  'already-processed': 'blue',
  rejected: 'grey',
  cancelled: 'slate',
  interrupted: 'grey',
  running: 'blue',
};

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

const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;
/** "1 row waits", "2 rows wait" */
const rowsWait = (v: number) => `${plural(v, 'row')} ${v === 1 ? 'waits' : 'wait'}`;

/** A gate's measured value as the contract counts it: rows, or a percentage. */
function measured(g: GateResult): string {
  const v = num(g.value);
  const text = v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return g.unit === 'percent' ? `${text}%` : text;
}

/** What the contract asks of a gate, in words: "more than 1,000,000". */
export function gateNeed(g: GateResult): string {
  const fmt = (v: unknown) => `${num(v).toLocaleString('en-US', { maximumFractionDigits: 2 })}${g.unit === 'percent' ? '%' : ''}`;
  const t = g.threshold;
  const [lo, hi] = Array.isArray(t) ? t : [t, t];
  switch (g.operator) {
    case 'mustBe': return `exactly ${fmt(t)}`;
    case 'mustNotBe': return `anything but ${fmt(t)}`;
    case 'mustBeGreaterThan': return `more than ${fmt(t)}`;
    case 'mustBeGreaterOrEqualTo': return `at least ${fmt(t)}`;
    case 'mustBeLessThan': return `less than ${fmt(t)}`;
    case 'mustBeLessOrEqualTo': return `at most ${fmt(t)}`;
    case 'mustBeBetween': return `between ${fmt(lo)} and ${fmt(hi)}`;
    case 'mustNotBeBetween': return `outside ${fmt(lo)} to ${fmt(hi)}`;
    default: return `${String(g.operator)} ${JSON.stringify(t)}`;
  }
}

/** The gate as the contract names it: its metric, and its column if it has one. */
function gateName(g: GateResult): string {
  return `${g.metric || g.name}${g.column ? ` on ${g.column}` : ''}`;
}

/** "rowCount measured 10 (the contract needs more than 1,000,000)" */
export function gateText(g: GateResult): string {
  return `${gateName(g)} measured ${measured(g)} (the contract needs ${gateNeed(g)})`;
}

const DRIFT_WORDS: Record<string, (column: string) => string> = {
  added: (c) => `the file has a new column "${c}"`,
  dropped: (c) => `the column "${c}" is missing`,
  renamed: (c) => `the column "${c}" has another name in the file`,
  reordered: () => 'the columns are in another order',
};

/** The drift in a few words: the first changes, and how many more. */
function driftText(changes: { kind: string; column: string; detail: string }[]): string {
  const words = changes.slice(0, 3).map((c) => DRIFT_WORDS[c.kind]?.(c.column) ?? c.detail);
  return `${words.join('; ')}${changes.length > 3 ? `; and ${plural(changes.length - 3, 'more change')}` : ''}`;
}

/** "2026-12-02 13:28 UTC" from an ISO time; a pure function must not depend on the machine's zone. */
function when(iso: string | undefined): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso ?? '');
  return m ? `${m[1]} ${m[2]} UTC` : '';
}

type Verdict = Pick<RunBadges, 'state' | 'headline' | 'detail'>;

/** The words of a run that finished and whose rows add up, from its status. */
function finished(summary: RunSummary, total: RowCounts): Verdict | null {
  const numbers = countsText(total);
  const { sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: dup, pendingRows: pending } = total;
  switch (summary.status) {
    case 'completed': {
      // Completed with rows still pending is not a state the engine writes: not taken on trust.
      if (pending > 0) return null;
      const set = dup > 0 ? `; ${plural(dup, 'exact duplicate row')} set aside` : '';
      if (quarantine === 0) {
        return { state: 'completed', headline: source === 0 ? 'Completed: the file had no rows' : `Completed: all ${plural(success, 'clean row')} are in production${set}`, detail: numbers };
      }
      const waiting = num(summary.waitingForReview);
      const fixes = waiting > 0 ? ` ${plural(waiting, 'verified fix', 'verified fixes')} wait for your decision in Review.` : '';
      return {
        state: 'completed-with-quarantine',
        headline: success === 0
          ? `Nothing reached production: ${n(quarantine)} of ${plural(source, 'row')} are in quarantine`
          : `Completed with ${plural(quarantine, 'row')} in quarantine: ${n(success)} of ${plural(source, 'row')} are in production`,
        detail: `${rowsWait(quarantine)} in Quarantine and Review: ${num(summary.proposals) > 0 ? 'approve fixes in Review, or edit the rows in Quarantine, to promote them' : 'no fix was proposed; edit the rows in Quarantine, then approve the edit in Review, to promote them'}.${fixes} ${numbers}`,
      };
    }
    case 'held': {
      const failing = (summary.gates ?? []).filter((g) => g && g.passed === false);
      const gates = failing.length === 0 ? 'a quality gate'
        : failing.length === 1 ? `the ${gateName(failing[0])} gate: it measured ${measured(failing[0])}, the contract needs ${gateNeed(failing[0])}`
          : `${failing.length} quality gates: ${failing.map(gateText).join('; ')}`;
      return {
        state: 'held',
        headline: `Held by ${gates}`,
        detail: `Nothing is promoted until you release or reject the batch: ${rowsWait(pending)}; ${numbers}`,
      };
    }
    case 'halted': {
      const changes = summary.drift?.changes ?? [];
      return {
        state: 'halted',
        headline: `Halted: the file does not match the contract${changes.length ? `: ${driftText(changes)}` : ''}`,
        detail: `Nothing was promoted; ${rowsWait(pending)} in the vault until the contract or the file changes; ${numbers}`,
      };
    }
    case 'rejected':
      return { state: 'rejected', headline: 'Rejected: nothing from this batch was promoted', detail: numbers };
    default:
      return null;
  }
}

export function runBadges(summary: RunSummary): RunBadges {
  const stages = (summary.reconciliation ?? []).map(stageBadge);
  const broken = stages.find((s) => !s.balanced) ?? null;
  const total = countsOf(summary);
  const reconciled = summary.reconciled === true && !broken && adds(total) && summary.status !== 'failed';
  const base = { reconciled, stages, brokenStage: broken?.stage ?? null };
  const make = (v: Verdict, counts = total, ok = reconciled): RunBadges => ({ ...base, ...v, reconciled: ok, counts, tone: STATE_TONE[v.state] });
  const sev1 = (headline: string, counts: RowCounts): RunBadges =>
    make({ state: 'sev1', headline, detail: `${countsText(counts)}: ${equationText(counts)} (source = success + quarantine + duplicates + pending)` }, counts, false);

  // Counts that do not add up are a Sev-1 whatever else the summary says, even mid-run.
  // The numbers named are ones that do not close: the broken stage's if they are such, else the run's.
  if (!adds(total)) return sev1(`Failed (Sev-1): the rows do not add up${broken ? ` after ${broken.stage}` : ''}`, broken && !adds(countsOf(broken)) ? countsOf(broken) : total);
  // Still going: no verdict yet either way.
  if (summary.status === 'running') {
    return make({ state: 'running', headline: 'Running', detail: 'The run has not finished; its rows are counted when it does' }, total, false);
  }
  // The fast lane is in production; the remediation job has not finished (remediate/job.ts).
  if (summary.status === 'remediating') {
    return make({ state: 'running', headline: `Remediating: ${plural(total.successRows, 'clean row')} are in production`, detail: `The remediation of ${rowsWait(total.quarantineRows)} in quarantine has not finished; ${countsText(total)}` }, total, reconciled);
  }
  // Failed before any stage was reconciled: cancelled, killed, or stopped by an error, and
  // everything it wrote was undone (a Sev-1 always records the stage that broke).
  if (summary.status === 'failed' && stages.length === 0) {
    if (summary.ended === 'cancelled') {
      return make({
        state: 'cancelled', headline: 'Cancelled: nothing from this run was kept',
        detail: 'You stopped the run and everything it wrote was undone; the raw file stays in the vault and can be run again',
      }, total, false);
    }
    if (summary.undoPending) {
      return make({
        state: 'interrupted', headline: 'Stopped by an error: its writes are not undone yet',
        detail: `Undoing what the run wrote failed too; its rows stay in production until the next run on this workspace undoes them first${summary.message ? ` (${summary.message})` : ''}`,
      }, total, false);
    }
    const error = summary.ended === 'error';
    return make({
      state: 'interrupted',
      headline: `${error ? 'Stopped by an error' : 'Interrupted'}: the run did not finish, and everything it wrote was undone`,
      detail: `Nothing from this run is in production; the raw file stays in the vault and can be run again${error && summary.message ? ` (${summary.message})` : ''}`,
    }, total, false);
  }
  if (!reconciled) return sev1(`Failed (Sev-1): the rows do not add up${broken ? ` after ${broken.stage}` : ''}`, broken ? countsOf(broken) : total);
  const verdict = finished(summary, total);
  // An unknown status (or a completed one with rows still pending) is not evidence that the run went well.
  if (!verdict) return sev1(`Failed (Sev-1): the run ended as "${String(summary.status)}"${total.pendingRows > 0 ? ` with ${plural(total.pendingRows, 'row')} pending` : ''}`, total);
  if (summary.idempotent) {
    const at = when(summary.previousRunAt);
    return make({
      state: 'already-processed',
      headline: `Already processed${at ? ` on ${at}` : ''}${summary.previousRunId ? ` by ${summary.previousRunId}` : ''}: not run again`,
      detail: `This file was run before with this contract version. That run: ${verdict.headline}`,
    });
  }
  return make(verdict);
}
