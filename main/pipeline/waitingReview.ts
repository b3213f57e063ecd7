// Fixes that no approval covered wait for review. A run says how many and how to approve them,
// and a re-run of an already processed file with an approval flag is how the command line
// approves them: `--approve-all` approves every waiting verified fix of that earlier run (and
// `--approve-min-confidence X` those at or above X), exactly as the flag would have on the first
// run, then promotes what passes. Without a flag a re-run changes nothing and says what waits.
import type { Engine } from './context.js';
import type { ApprovalMode, RunSummary } from './types.js';
import { approver, approves } from '../remediate/remediate.js';
import { decideProposal, promoteReviewed } from '../remediate/review.js';
import { listProposals } from '../remediate/proposalStore.js';

export function waitingForReview(engine: Engine, runId: string): number {
  return listProposals(engine.sqlite, runId).filter((p) => p.status === 'verified').length;
}

export function waitingMessage(runId: string, waiting: number, fromRecipe: number): string {
  const recipe = fromRecipe > 0 ? ` (${fromRecipe} of them approved on earlier files of the stream: the recipe follows this run's approval mode)` : '';
  return `${waiting} verified fix${waiting === 1 ? '' : 'es'} of ${runId} wait for review${recipe}; their rows stay in quarantine. `
    + 'Approve them in the app, or run the same file again with --approve-all (or --approve-min-confidence X).';
}

export async function rerunOfProcessedFile(engine: Engine, previousRunId: string, approval: ApprovalMode, what: string): Promise<RunSummary> {
  const row = engine.sqlite.prepare('SELECT status, summary_json, started_at FROM runs WHERE run_id = ?').get(previousRunId) as { status: string; summary_json: string; started_at: string };
  const summary = JSON.parse(row.summary_json) as RunSummary;
  const waiting = listProposals(engine.sqlite, previousRunId).filter((p) => p.status === 'verified');
  const who = approver(approval);
  const covered = who ? waiting.filter((p) => approves(approval, p.confidence)) : [];
  const base = { ...summary, idempotent: true, previousRunId, previousRunAt: row.started_at };
  if (covered.length === 0 || row.status !== 'completed') {
    const hint = row.status === 'remediating' ? ` Its remediation is not finished: airlock remediate ${previousRunId}.`
      : waiting.length === 0 ? ''
      : row.status !== 'completed' ? ` ${waiting.length} verified fix${waiting.length === 1 ? '' : 'es'} wait for review; the run is ${row.status}: release it first (airlock release ${previousRunId}).`
      : ` ${waitingMessage(previousRunId, waiting.length, 0)}`;
    return { ...base, waitingForReview: waiting.length, message: `${what}: nothing changed.${hint}` };
  }
  for (const p of covered) decideProposal(engine, previousRunId, p.id, 'approve', `${who} (re-run)`);
  const updated = await promoteReviewed(engine, previousRunId);
  const left = waiting.length - covered.length;
  const promoted = updated.successRows - summary.successRows;
  const message = `${what}: approved ${covered.length} waiting fix${covered.length === 1 ? '' : 'es'} of ${previousRunId} (${who}) and promoted ${promoted} more row${promoted === 1 ? '' : 's'}`
    + `${left > 0 ? `; ${left} still wait for review` : ''}.`;
  const result = { ...updated, idempotent: true, previousRunId, previousRunAt: row.started_at, waitingForReview: left, message };
  engine.sqlite.prepare('UPDATE runs SET summary_json = ? WHERE run_id = ?').run(JSON.stringify({ ...updated, waitingForReview: left }), previousRunId);
  return result;
}
