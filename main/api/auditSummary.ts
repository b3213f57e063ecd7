// One line per audit entry for the timeline: what happened, in the analyst's words. The full
// payload stays available beside it; this only chooses what to say first.
import type { AuditEntry } from '../audit/log.js';

type P = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v ?? '?'));
const short = (v: unknown) => {
  const s = String(v ?? '');
  return s.length > 48 ? `${s.slice(0, 45)}…` : s;
};
/** proposal ids are `<run>:<cluster>:<n>`; the run is already on the line */
const proposalName = (v: unknown) => String(v ?? '').split(':').slice(1).join(':') || String(v ?? '');

const RECIPE_EVENT: Record<string, (p: P) => string> = {
  disabled: (p) => `Recipe rule ${p.proposal} (${p.column}) of ${p.contract} switched off by ${p.by}`,
  enabled: (p) => `Recipe rule ${p.proposal} (${p.column}) of ${p.contract} switched on again by ${p.by}`,
  exported: (p) => `Recipe of ${p.contract} exported (${n(p.rules)} rules) by ${p.by}`,
  imported: (p) => `Recipe file ${p.from} imported into ${p.contract} by ${p.by}: ${n(p.added)} rules added, ${n(p.alreadyThere)} already there`,
};

const DESCRIBE: Record<string, (p: P) => string> = {
  ingest: (p) => (p.event === 'counted'
    ? `Counted ${n(p.sourceRecords)} source records apart from the parser (${p.countedBy}): ${n(p.parsed)} parsed, ${n(p.malformed)} malformed`
    : `Stored ${p.input} in the vault (${n(p.bytes)} bytes, sha256 ${String(p.sha256 ?? '').slice(0, 12)}…)`),
  contract: (p) => (p.event === 'signature-match' ? 'File columns match the contract signature' : `Checked against contract ${p.id} ${p.version}`),
  stage: (p) => {
    if (p.stage === 'finish' && p.status === 'remediating') return `Fast lane committed: ${n(p.sourceRows)} source = ${n(p.successRows)} clean + ${n(p.quarantineRows)} quarantined + ${n(p.duplicateRows)} duplicates${p.reconciled ? ', reconciled' : ', NOT reconciled'}; the quarantine's remediation goes on as a job`;
    if (p.stage === 'finish') return `Run finished: ${p.status}; ${n(p.sourceRows)} source = ${n(p.successRows)} clean + ${n(p.quarantineRows)} quarantined + ${n(p.duplicateRows)} duplicates${p.reconciled ? ', reconciled' : ', NOT reconciled'}`;
    if (p.stage === 'recovered') return p.ended === 'cancelled' ? 'Cancelled run undone' : p.ended === 'error' ? 'Run undone after an error' : 'Interrupted run undone';
    if (p.stage === 'cluster-merge') return `Merged ${n(p.merged)} similar clusters`;
    if (p.stage === 'remediation-job') return `Remediation job ${p.event}${p.event === 'resumed' ? ` after ${n(p.stepsDone)} committed steps` : ''}${p.error ? `: ${short(p.error)}` : ''}`;
    if (p.stage === 'remediation-round') return `Remediation round ${n(p.round)}: ${n(p.clusters)} clusters, ${n(p.proposals)} proposals, ${n(p.changedCells)} cells changed, ${n(p.promotedRows)} rows promoted`;
    if (p.stage === 'remediation-step-recorded') return `Remediation step ${n(p.step)} recorded from its DuckDB marker (committed before the process stopped)`;
    if (p.stage === 'remediation-resumed') return `Remediation resumed after ${n(p.stepsDone)} steps (${n(p.droppedProposals)} proposals of an unfinished step dropped)`;
    return `Stage ${p.stage}: ${n(p.rows)} rows in ${n(p.ms)} ms`;
  },
  drift: (p) => `Schema drift: ${p.decision === 'halt' ? 'stream halted' : `accepted as version ${p.newVersion}`} (${Array.isArray(p.changes) ? p.changes.length : 0} changes)`,
  dedupe: (p) => `${n(p.duplicateRows)} exact duplicate rows set aside`,
  route: (p) => `Routed: ${n(p.fastLane)} to the fast lane, ${n(p.quarantined)} to quarantine`,
  gate: (p) => `Gate ${p.name}: ${n(p.value)} ${p.operator} ${JSON.stringify(p.threshold)}: ${p.passed ? 'passed' : 'HELD'}`,
  promote: (p) => `Promoted ${n(p.rows)} ${p.lane === 'fast' ? 'fast-lane' : 'remediated'} rows to production`,
  proposal: (p) => `Fix ${proposalName(p.proposal)}${p.column ? ` for ${p.column}` : ''} by ${p.proposer ?? `analyst ${p.by}`}: ${p.status}`,
  decision: (p) => `Fix ${proposalName(p.proposal)} ${p.decision} by ${p.by}`,
  cell_changes: (p) => `${n(p.cells)} cells changed by rule ${p.rule} (${p.proposer}), sealed by Merkle root ${String(p.merkle_root ?? '').slice(0, 12)}…`,
  cell_change: (p) => `Row ${p.row_id} ${p.column}: ${short(p.old)} → ${short(p.new)}`,
  release: (p) => `Held batch ${p.decision} by ${p.by}`,
  export: (p) => `Exported ${Array.isArray(p.files) ? p.files.map((f) => `${(f as P).name} (${n((f as P).rows)})`).join(', ') : ''}`,
  recipe: (p) => (typeof p.event === 'string' ? RECIPE_EVENT[p.event]?.(p) ?? `Recipe of ${p.contract}: ${p.event}` : `Re-applied ${Array.isArray(p.rules) ? p.rules.length : 0} approved rules from earlier files (${n(p.promotedRows)} rows)`
    + (Array.isArray(p.waitingForReview) && p.waitingForReview.length ? `; ${p.waitingForReview.length} wait for review (this run's approval mode)` : '')
    + (Array.isArray(p.skipped) && p.skipped.length ? `; ${p.skipped.length} skipped (the contract no longer allows them)` : '')),
  model: (p) => (p.loaded ? `Loaded ${p.role} model ${(p.loaded as P).fileName ?? (p.loaded as P).dir ?? ''}` : `Model gave no proposal for ${p.cluster}`),
  alert: (p) => `Alert ${p.severity}: ${p.code}`,
  undo: (p) => `Undone by ${p.by}: step ${n(p.seq)}, ${p.label}`,
  idempotent: (p) => `${p.input} was already processed with ${p.contract} ${p.version}: nothing changed`,
  replay: (p) => `Replayed as ${p.replayRunId}: ${p.identical ? 'identical' : `DIFFERENT${Array.isArray(p.differences) && p.differences.length ? ` (${p.differences.join('; ')})` : ''}`}`,
};

export function describeEntry(e: Pick<AuditEntry, 'kind' | 'payload'>): string {
  const fn = DESCRIBE[e.kind];
  try {
    return fn ? fn(e.payload) : e.kind;
  } catch {
    return e.kind;
  }
}
