// The one API contract between the engine and its faces. Each call has one name, one input
// schema (checked at run time by the IPC router and by the handler table) and one output type;
// progress arrives as events. The engine's handler table implements it, the preload builds
// window.airlock from CALL_NAMES, and the end-to-end tests bind the same table into Chromium.
// Runtime imports: ./schema.js only (the preload bundles this file; the renderer imports types).
import {
  array, boolean, nullable, number, object, oneOf, optional, record, string, variant, type Infer, type Schema,
} from './schema.js';
import type { ApprovalMode, GateResult, Progress, Reconciliation, RunStatus, RunSummary } from '../pipeline/types.js';
import type { RunListItem } from '../pipeline/listRuns.js';
import type { ProposalStatus } from '../remediate/proposalStore.js';
import type { TypedRule } from '../remediate/rules/ruleTypes.js';
import type { RuleDescription } from '../remediate/rules/describeRule.js';
import type { RulePreview, PreviewGroup, PreviewNumbers } from '../remediate/previewRule.js';
import type { ApprovalVerdict } from '../remediate/approval.js';
import type { AppliedOutcome } from '../remediate/proposalStore.js';
import type { LogicalType } from '../contract/types.js';
import type { BadgeTone, RunBadges, RunState, StageBadge } from './runBadges.js';
import type { RuleDiffLine } from './ruleDiff.js';
import type { RecipeEntry } from '../remediate/recipeAdmin.js';

export type { RuleDiffLine };
export type { RulePreview, PreviewGroup, PreviewNumbers, ApprovalVerdict, AppliedOutcome };
export type { ApprovalMode, GateResult, Progress, Reconciliation, RunStatus, RunSummary, RunListItem, ProposalStatus, LogicalType, BadgeTone, RunBadges, RunState, StageBadge };

// ---------------------------------------------------------------- results and errors

/** What the analyst sees when a call fails: a sentence they can act on, and where, if a file. */
export interface ApiError {
  message: string;
  file?: string;
  line?: number;
  /** USER (their file or choice), CANCELLED, BUSY, INVALID_INPUT, INTERNAL (a bug) */
  code: 'USER' | 'CANCELLED' | 'INVALID_INPUT' | 'INTERNAL';
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---------------------------------------------------------------- output types

export interface AppInfo {
  workspace: string;
  exportsDir: string;
  modelsDir: string;
  analyst: string;
  version: string;
}

/**
 * A rule `airlock profile` inferred from the data (the contract's `inferred` marker), with the
 * facts it was decided from. It is enforced like any rule; `confirmed` stays false until the
 * analyst ticks it (or edits the rule, which is a decision too).
 */
export interface InferredRuleView {
  /** the part inferred: type, 'type and format', pattern, validValues, required, unique, primaryKey, missingTokens, dependency */
  rule: string;
  /** share of the values (or rows) it holds for, 0..1 */
  share: number;
  /** one sentence: what was measured */
  evidence: string;
  /** a few values that break it */
  counterexamples: string[];
  confirmed: boolean;
}

export interface ColumnForm {
  name: string;
  logicalType: LogicalType;
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  /** '' when the column has none; the form edits text */
  pattern: string;
  format: string;
  enum: string[];
  minimum: string;
  maximum: string;
  pii: string;
  /** the inferred rules of the column, in the order the YAML lists them ([] when none) */
  inferred: InferredRuleView[];
}

export interface DependencyForm {
  determinant: string[];
  dependent: string[];
  /** set when the profiler inferred the dependency */
  inferred?: InferredRuleView;
}

/** The contract as the form edits it; everything else in the YAML is kept as written. */
export interface ContractForm {
  id: string;
  name: string;
  version: string;
  table: string;
  schemaEvolution: 'strict' | 'additive';
  columns: ColumnForm[];
  dependencies: DependencyForm[];
}

export interface ColumnProfileView {
  name: string;
  inferredType: LogicalType;
  format?: string;
  rows: number;
  nullCount: number;
  distinctCount: number;
  typeShare: number;
  topValues: { value: string | null; count: number }[];
  /** the most frequent character-class shapes ('9{5}', 'A{2}'), most frequent first */
  shapes: { shape: string; count: number }[];
  pattern?: string;
  enum?: string[];
  pii?: string;
  min?: number | string;
  max?: number | string;
}

export interface ContractDraft {
  yaml: string;
  /** null when the YAML does not load; `problem` says why and where */
  form: ContractForm | null;
  problem: ApiError | null;
  /** the file it came from, or null for a proposal or an edit not saved yet */
  path: string | null;
  origin: 'file' | 'profile' | 'drift';
  /** one line for the analyst: what this draft is and what to check */
  note: string;
  profile?: { file: string; rows: number; malformedRows: number; columns: ColumnProfileView[]; dependencies: (DependencyForm & { support: number })[] };
  /** for a version accepted from a schema drift: every rule it checks differently, and the recipe rules it leaves behind */
  ruleDiff?: { from: string; to: string; lines: RuleDiffLine[] };
}

/**
 * A listed run with the state runBadges gives it (its label, look and headline, so the list
 * says what the Run screen says), and its pending rows for the equation.
 */
export type RunListView = RunListItem & { state: RunState; label: string; tone: BadgeTone; headline: string; pendingRows: number };

/** A run's summary with the verdict the screens show (runBadges), so no face works it out alone. */
export type RunView = RunSummary & { badges: RunBadges };

export interface RunDetail {
  summary: RunSummary;
  badges: RunBadges;
  inputPath: string;
  contractPath: string | null;
  alerts: { severity: string; code: string; message: string; createdAt: string }[];
}

/** Progress of one stage, with the rate and time left worked out for the bars. */
export interface RunProgress extends Progress {
  /** what `done` and `total` count */
  unit: 'rows' | 'bytes' | 'clusters' | 'steps';
  stageElapsedMs: number;
  /** null until there is a rate to go by */
  etaMs: number | null;
  perSecond: number | null;
}

/** narrows the grid: one column, one reason code, text anywhere in the row */
export type QuarantineFilter = Infer<typeof filter>;

/** the grid's order: one column's text, ascending or descending (rows with the same value in row order) */
export type QuarantineSort = Infer<typeof gridSort>;

export interface QuarantineRow {
  rowId: number;
  values: (string | null)[];
  /** every failure of the row, by column */
  reasons: { column: string; reason: string }[];
}

export interface QuarantinePage {
  runId: string;
  columns: string[];
  offset: number;
  rows: QuarantineRow[];
  /** rows matching the filter */
  total: number;
  /** time the engine took for this page, for the benchmark and the status line */
  ms: number;
}

export interface QuarantineFacets {
  runId: string;
  /** rows in the run's quarantine, and rows matching the search (facets count within it) */
  totalRows: number;
  matchingRows: number;
  /**
   * Failing cells by column, counted with the filter's reason applied (and by reason, with its
   * column applied): each facet counts against the other's selection, as in OpenRefine, so a
   * count is what the grid shows when that value is picked too.
   */
  byColumn: { column: string; count: number }[];
  byReason: { reason: string; count: number }[];
  /** every (column, reason) pair among rows matching the search, neither facet applied (the chart) */
  byColumnReason: { column: string; reason: string; count: number }[];
}

/**
 * The value, shape, number and date facets of one column (the filter's `field`) among the
 * quarantined rows; each counts with every other pick of the filter applied, never its own.
 */
export interface ColumnFacets {
  runId: string;
  column: string;
  /** distinct values with their row counts, top 200 by count (null: the empty cell) */
  values: { value: string | null; count: number }[];
  /** distinct values in all, beyond the 200 shown */
  distinctValues: number;
  /** character-class shapes (`9{5}`, `a{3} a{4}`; '' for the empty cell), top 200 by count */
  shapes: { shape: string; count: number }[];
  /** values read as numbers, in 10 buckets between min and max (null when there is none) */
  numbers: { min: number; max: number; buckets: { bucket: number; from: number; to: number; count: number }[] } | null;
  notNumbers: number;
  /** values read as dates (ISO, or a common day/month/year form), counted by year */
  years: { year: number; count: number }[];
  notDates: number;
  /** failing cells of the column among rows matching the whole filter (what "Set these N cells" edits) */
  failingCells: number;
}

/** One failed check of a quarantined row, in words, with what the contract expected. */
export interface RowCheck {
  column: string;
  reason: string;
  rule: string;
  /** the cell's value as it stands (null when empty, or for a whole-record failure) */
  value: string | null;
  sentence: string;
  /** what the contract allows: members of a set, a pattern, a range, a format, a type */
  expected: { kind: 'type' | 'format' | 'pattern' | 'set' | 'range' | 'length' | 'required' | 'unique' | 'dependency' | 'record'; text: string; members?: string[] } | null;
}

/** The rows that share a key or a dependency's determinant with the row, side by side. */
export interface RowGroup {
  kind: 'dependency' | 'key';
  rule: string;
  /** the determinant (or key) columns, with this row's values */
  key: { column: string; value: string | null }[];
  /** the dependent column an FD check judges (null for a key) */
  dependent: string | null;
  /** the columns each row shows: the key, then the dependent */
  columns: string[];
  /** how many rows of the batch share the key */
  size: number;
  /** the dependent's values in the group, most rows first (a key group: empty) */
  values: { value: string | null; count: number; thisRow: boolean }[];
  /** the group's rows, this row first, up to a page; `more` were left off */
  rows: { rowId: number; values: (string | null)[]; quarantined: boolean; self: boolean }[];
  more: number;
}

/** Values a failing cell could take, ranked. */
export interface RowCandidates {
  column: string;
  /**
   * 'vote': the agreed-value rule's vote in the cell's dependency group, counted for this row;
   * 'group': the values the group holds, when no rule votes on the column
   */
  source: 'vote' | 'group';
  determinant: string;
  /** how the values were ranked, and the verdict, in words */
  note: string;
  /** the value the rule would set the cell to, all its determinants together (null: the cell keeps its own) */
  decision: string | null;
  /** votes (or rows) behind each value, its share of the group's, its rank; `winner` when the vote elects it */
  values: { value: string | null; count: number; share: number; rank: number; winner: boolean }[];
}

export interface RowHistoryEntry {
  ts: string;
  /** change: the stream's change table; audit: the hash-chained log; manual: an analyst's edit proposed for the cell */
  source: 'change' | 'audit' | 'manual';
  column: string | null;
  before: string | null;
  after: string | null;
  /** one line: what happened and by which rule */
  what: string;
  rule: string | null;
  /** the audit entry's sequence number */
  seq?: number;
}

/** One quarantined row opened: its bytes as they arrived, its checks in words, its group, its history. */
export interface QuarantineRowDetail {
  runId: string;
  rowId: number;
  columns: string[];
  values: (string | null)[];
  reasons: { column: string; reason: string }[];
  raw: {
    /** the record's bytes as UTF-8 text (null when the input has no byte span, e.g. Parquet) */
    text: string | null;
    /** the same bytes, exactly, in base64 */
    base64: string | null;
    /** 1-based physical line the record starts on */
    line: number | null;
    offset: number | null;
    length: number | null;
    /** the line ending that followed the record in the file */
    ending: 'LF' | 'CRLF' | 'CR' | 'none' | null;
    /** why the text is partial or missing, when it is */
    note: string | null;
  };
  checks: RowCheck[];
  groups: RowGroup[];
  candidates: RowCandidates[];
  history: RowHistoryEntry[];
}

export interface ProposalView {
  id: string;
  clusterId: string;
  column: string;
  status: ProposalStatus;
  proposer: string;
  /** the proposer's own confidence; null for the analyst's edits (a person's decision, not a score) */
  confidence: number | null;
  /** whether Approve is offered, and if not, why (the engine's decideProposal holds to the same verdict) */
  approval: ApprovalVerdict;
  /** once applied: cells it changed that were kept, and why none were when that is so */
  applied: AppliedOutcome | null;
  coverage: number | null;
  fixedRows: number | null;
  clusterRows: number | null;
  /** the typed rule: what the recipe stores and every screen renders */
  kind: TypedRule['kind'];
  rule: TypedRule;
  /** a sentence under 200 characters, and the rule's table where it has lines */
  description: RuleDescription;
  /** an expression rule's SQL (empty for the other kinds) */
  set: Record<string, string>;
  where: string | null;
  reasoning: string;
  patternType: string;
  sandboxReason: string | null;
  decidedBy: string | null;
  model: { fileName: string; sizeBytes: number; sha256: string } | null;
}

export interface ReviewCluster {
  id: string;
  column: string;
  reason: string;
  reasons: string[];
  size: number;
  distinctValues: number;
  samples: { value: string | null; count: number }[];
  /** the latest proposal for the cluster (an edit supersedes what it edited) */
  proposal: ProposalView | null;
  /** earlier proposals for the same cluster */
  earlier: number;
}

export interface ReviewState {
  runId: string;
  status: RunStatus;
  clusters: ReviewCluster[];
  counts: Record<string, number>;
}

export interface DiffRow {
  rowId: number;
  column: string;
  before: string | null;
  after: string | null;
}

export interface VerifyView {
  ok: boolean;
  verdict: string;
  culprit?: string;
  path: string;
}

export interface ExportView {
  runId: string;
  dir: string;
  format: 'csv' | 'parquet';
  files: { name: string; path: string; rows: number }[];
  bundleDir: string;
  archive: string;
  /** the signed bundle's human-readable report (report.html), opened with openPath */
  report: string;
  verification: VerifyView;
}

export interface ModelFileView {
  path: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
}

/** A GGUF language model as its header describes it (read without loading the weights). */
export interface GgufFileView extends ModelFileView {
  architecture: string | null;
  /** general.name of the file */
  name: string | null;
  /** general.size_label, e.g. 135M */
  sizeLabel: string | null;
  /** weights counted from the tensor shapes */
  parameters: number;
  contextLength: number | null;
  /** tokenizer.chat_template, the Jinja template the file carries; null when it has none */
  chatTemplate: string | null;
  /** the last measured speed (`<models folder>/.airlock-speed.json`), null when never measured */
  speed: { tokensPerSecond: number; threads: number; measuredAt: string } | null;
  /** why the header could not be read (the file is then unusable) */
  problem: string | null;
}

export interface ModelStatus {
  dir: string;
  /** the GGUF a run uses: the first *.gguf file of the folder by name */
  llm: GgufFileView | null;
  /** the folder's other GGUF files, which runs do not use */
  otherLlms: GgufFileView[];
  embedder: { dir: string; name: string; files: ModelFileView[] } | null;
  /** CPU or the GPU backend llama.cpp used last, as it reported it */
  device: string;
  lastRun: { runId: string; llm: string | null; embedder: string | null } | null;
  /** the speed file exists but could not be used: what is wrong with it */
  speedProblem: string | null;
}

/** One step of a run's review history: what the analyst did, and whether it was undone. */
export interface OperationView {
  opId: string;
  runId: string;
  seq: number;
  /** `recipe`: the run itself re-applied rules approved on earlier files (part of the run, not undoable here) */
  kind: 'approve' | 'reject' | 'edit' | 'manual-edit' | 'promote' | 'recipe';
  label: string;
  undoable: boolean;
  by: string;
  at: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

/** A rule of a contract's recipe (approved on an earlier file, or imported), as its screen lists it: the engine's entry with the rule's kind in place of the rule. */
export type RecipeRuleView = Omit<RecipeEntry, 'rule'> & { kind: TypedRule['kind'] };

export interface AuditEntryView {
  seq: number;
  runId: string | null;
  ts: string;
  kind: string;
  /** one line saying what happened */
  summary: string;
  /** the payload as JSON, shortened for display (a group: its changes, one per line) */
  detail: string;
  /** the last entry's hash */
  hash: string;
  /** for a run of cell changes by one rule shown as one line: the last entry and how many */
  seqTo?: number;
  cells?: number;
}

export interface AuditView {
  runId: string | null;
  total: number;
  counts: Record<string, number>;
  /** oldest first; long logs are cut to the first `limit` entries */
  entries: AuditEntryView[];
  truncated: boolean;
  chain: { ok: true; entries: number; head: string } | { ok: false; seq: number; reason: string };
}

// ---------------------------------------------------------------- input schemas

const path = string({ max: 4096 });
const runId = string({ max: 200, pattern: /^[A-Za-z0-9_.:-]+$/ });
const id = string({ max: 400 });
const yamlText = string({ max: 2_000_000 });
const name = string({ max: 500 });
const sqlExpr = string({ max: 20_000 });

const inferredRule = object({
  rule: string({ max: 100 }), share: number({ min: 0, max: 1 }), evidence: string({ min: 0, max: 20_000 }),
  counterexamples: array(string({ min: 0, max: 10_000 }), 100), confirmed: boolean(),
});

const columnForm = object({
  name, logicalType: oneOf(['string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'time', 'object', 'array']),
  required: boolean(), unique: boolean(), primaryKey: boolean(),
  pattern: string({ min: 0, max: 2000 }), format: string({ min: 0, max: 100 }),
  enum: array(string({ min: 0, max: 500 }), 5000),
  minimum: string({ min: 0, max: 100 }), maximum: string({ min: 0, max: 100 }),
  pii: string({ min: 0, max: 20 }),
  inferred: array(inferredRule, 50),
});

const contractForm = object({
  id: name, name, version: string({ max: 50 }), table: name,
  schemaEvolution: oneOf(['strict', 'additive']),
  columns: array(columnForm, 2000),
  dependencies: array(object({ determinant: array(name, 50), dependent: array(name, 50), inferred: optional(inferredRule) }), 500),
});

const approval = variant({
  none: object({}),
  all: object({}),
  'min-confidence': object({ min: number({ min: 0, max: 1 }) }),
});

const filter = object({
  column: optional(name), reason: optional(string({ max: 60 })), search: optional(string({ max: 500 })),
  /** the column whose values the value, shape, number and date facets show (their picks apply to it) */
  field: optional(name),
  /** one value of `field` (null: the empty cell) */
  value: optional(nullable(string({ max: 10_000 }))),
  /** one character-class shape of `field`'s values, e.g. `9{5}` */
  shape: optional(string({ max: 2_000 })),
  /** one bucket of the number facet as it was drawn (min, max: the histogram's ends; null: not a number) */
  numberRange: optional(nullable(object({ min: number(), max: number(), bucket: number({ min: 0, max: 9, integer: true }) }))),
  /** one year of the date facet (null: not a date) */
  year: optional(nullable(number({ min: -10_000, max: 10_000, integer: true }))),
});
const gridSort = object({ column: name, descending: boolean() });
const rule = { set: record(name, sqlExpr, 20), where: optional(sqlExpr) };
const cellValue = string({ min: 0, max: 10_000 });
/** A typed rule of any kind, as a draft the analyst is editing (checked by the engine's gate, never trusted). */
const typedRule = variant({
  expression: object(rule),
  map: object({ column: name, match: oneOf(['exact', 'folded']), entries: array(object({ from: cellValue, to: cellValue, count: optional(number({ min: 0, integer: true })), enabled: optional(boolean()) }), 200_000) }),
  agreedValue: object({ column: name, determinants: array(array(name, 50), 50), minSupport: number({ min: 0 }), minMargin: number({ min: 0, max: 1 }), sourceColumn: optional(name) }),
  lookup: object({ column: name, table: name, form: name, style: oneOf(['upper', 'lower', 'asis']), members: optional(array(cellValue, 5000)) }),
  manual: object({ column: name, runId, cells: array(object({ rowId: number({ min: 0, integer: true }), value: nullable(cellValue) }), 10_000) }),
});

interface CallSpec<I extends Schema<unknown>, O> {
  input: I;
  /** type only: never read at run time */
  output: O;
}

/** The output type of a call (a type, carried by an undefined value). */
function returns<O>(): O {
  return undefined as O;
}

function call<I extends Schema<unknown>, O>(input: I, output: O): CallSpec<I, O> {
  return { input, output };
}

const none = object({});
const ofRun = object({ runId });

export const API = {
  appInfo: call(none, returns<AppInfo>()),
  listRuns: call(none, returns<RunListView[]>()),
  getRun: call(ofRun, returns<RunDetail>()),
  /** a contract file the analyst picked */
  loadContract: call(object({ path }), returns<ContractDraft>()),
  /** a proposed contract for a file that has none */
  profileFile: call(object({ path }), returns<ContractDraft>()),
  /** the YAML the analyst typed, as a form (or the error with its line) */
  parseContractText: call(object({ yaml: yamlText }), returns<ContractForm>()),
  /**
   * the form's edits written into the YAML, keeping everything else as it was, and the form of
   * the result (an edited inferred rule comes back confirmed)
   */
  applyContractForm: call(object({ yaml: yamlText, form: contractForm }), returns<{ yaml: string; form: ContractForm }>()),
  /** stores a checked contract in the workspace, returns the file a run reads */
  saveContract: call(object({ yaml: yamlText }), returns<{ path: string; id: string; version: string }>()),
  /**
   * background: answers once the fast lane is promoted (status 'remediating'); the remediation job
   * goes on in the engine and reports 'job' events. Otherwise the answer waits for the whole run.
   */
  runFile: call(object({ file: path, contractPath: path, approval, useModels: boolean(), background: optional(boolean()) }), returns<RunView>()),
  /**
   * stops the run in progress (or, with none in progress, the background remediation job); what it
   * wrote is undone. runId: the run to stop, when it is the background job's (its card's button)
   */
  cancelRun: call(object({ runId: optional(runId) }), returns<{ cancelling: boolean }>()),
  /** shows a file the engine wrote (an export's signed report) in the desktop's own viewer */
  openPath: call(object({ path }), returns<{ opened: string }>()),
  /** a halted run's contract, changed to match the file, as a new version to review */
  acceptDrift: call(ofRun, returns<ContractDraft>()),
  releaseRun: call(ofRun, returns<RunView>()),
  rejectRun: call(ofRun, returns<RunView>()),
  /** a page of the grid, in row order or sorted by one column (its text, empty last) */
  quarantinePage: call(object({ runId, offset: number({ min: 0, integer: true }), limit: number({ min: 1, max: 1000, integer: true }), filter, sort: optional(gridSort) }), returns<QuarantinePage>()),
  quarantineFacets: call(object({ runId, filter }), returns<QuarantineFacets>()),
  /** the value, shape, number and date facets of the filter's `field` */
  columnFacets: call(object({ runId, filter }), returns<ColumnFacets>()),
  /** the row ids of the failing cells of `field` among rows matching the filter, for editCells (refused above 10,000) */
  facetCells: call(object({ runId, filter }), returns<{ column: string; rowIds: number[] }>()),
  /** one quarantined row opened: raw line, checks in words, its key or dependency group, candidates, history */
  quarantineRow: call(object({ runId, rowId: number({ min: 0, integer: true }) }), returns<QuarantineRowDetail>()),
  reviewState: call(ofRun, returns<ReviewState>()),
  previewProposal: call(object({ runId, proposalId: id }), returns<DiffRow[]>()),
  /**
   * Every change a rule makes on its proposal's pattern, as distinct before → after groups with
   * counts (largest first, paged), and the fix's numbers. `draft` previews a rule being edited
   * in place of the stored one; a draft the sandbox refuses comes back as { ok: false, reason }.
   */
  previewRule: call(object({ runId, proposalId: id, draft: optional(typedRule), offset: number({ min: 0, integer: true }), limit: number({ min: 1, max: 500, integer: true }) }), returns<RulePreview>()),
  decideProposal: call(object({ runId, proposalId: id, decision: oneOf(['approve', 'reject']) }), returns<ProposalView>()),
  /** an edited rule: sandboxed and verified like any proposal, stored as a new one */
  editProposal: call(object({ runId, proposalId: id, ...rule }), returns<ProposalView>()),
  /** a value map edited in its table: lines ticked, unticked or retargeted; verified like any proposal */
  editMap: call(object({ runId, proposalId: id, entries: array(object({ from: string({ max: 10_000 }), to: string({ max: 10_000 }), enabled: boolean() }), 200_000) }), returns<ProposalView>()),
  /** the analyst's own values for chosen quarantined cells of one column (a manual rule) */
  editCells: call(object({ runId, column: name, cells: array(object({ rowId: number({ min: 0, integer: true }), value: nullable(string({ max: 10_000 })) }), 10_000) }), returns<ProposalView>()),
  /** the sandbox's verdict on a rule as it is typed; nothing is stored */
  checkRule: call(object({ runId, ...rule }), returns<{ ok: boolean; reason?: string }>()),
  promoteReviewed: call(ofRun, returns<RunView>()),
  exportRun: call(object({ runId, format: oneOf(['csv', 'parquet']), includePii: boolean() }), returns<ExportView>()),
  verifyBundle: call(object({ path }), returns<VerifyView>()),
  modelStatus: call(none, returns<ModelStatus>()),
  auditLog: call(object({ runId: optional(runId), limit: number({ min: 1, max: 20_000, integer: true }) }), returns<AuditView>()),
  /** the run's review operations, oldest first, each with its undo state */
  reviewHistory: call(ofRun, returns<OperationView[]>()),
  /** undoes the run's latest operation still in effect, exactly */
  undoLast: call(ofRun, returns<{ undone: string[]; run: RunView }>()),
  /** undoes every operation after `opId` (all of them with null), newest first */
  revertTo: call(object({ runId, opId: nullable(id) }), returns<{ undone: string[]; run: RunView }>()),
  /** the contracts whose streams have a recipe */
  listRecipes: call(none, returns<{ contractId: string; rules: number; disabled: number }[]>()),
  recipeRules: call(object({ contractId: name }), returns<RecipeRuleView[]>()),
  /** switches a recipe rule off (kept, never applied) or on again; audited */
  setRecipeRule: call(object({ contractId: name, proposalId: id, enabled: boolean() }), returns<RecipeRuleView>()),
  /** the recipe as JSON in the exports folder */
  exportRecipe: call(object({ contractId: name }), returns<{ path: string; rules: number }>()),
  /** a recipe file read into the contract's recipe: every rule through the rule gate, refused whole if one fails */
  importRecipe: call(object({ contractId: name, path }), returns<{ added: number; alreadyThere: number }>()),
};

export type Api = typeof API;
export type CallName = keyof Api;
export type CallInput<K extends CallName> = Infer<Api[K]['input']>;
export type CallOutput<K extends CallName> = Api[K]['output'];

export const CALL_NAMES = Object.keys(API) as CallName[];

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(API, value);
}

/** Checks a call's input against its schema; the message names the field and the problem. */
export function checkInput<K extends CallName>(name: K, input: unknown): { ok: true; value: CallInput<K> } | { ok: false; message: string } {
  try {
    return { ok: true, value: API[name].input.parse(input) as CallInput<K> };
  } catch (e) {
    return { ok: false, message: `${name}: ${(e as Error).message}` };
  }
}

// ---------------------------------------------------------------- events and the bridge

/**
 * A background remediation job (runFile with background): its progress while it runs, then how
 * it ended: done (the run is completed), failed (the fast lane stays; an alert says how to
 * finish it), cancelled (the analyst stopped it: the run was undone), pending (the app closed:
 * it resumes when the workspace opens again).
 */
export interface JobEvent {
  runId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled' | 'pending';
  progress?: RunProgress;
  error?: string;
}

export interface ApiEvents {
  progress: RunProgress;
  job: JobEvent;
}
export type EventName = keyof ApiEvents;
export const EVENT_NAMES: EventName[] = ['progress', 'job'];

/** IPC channels between the preload and the main process. */
export const IPC_CALL = 'airlock:call';
export const IPC_EVENT = 'airlock:event';

export type AirlockCalls = { [K in CallName]: (input: CallInput<K>) => Promise<ApiResult<CallOutput<K>>> };

/** window.airlock, as the preload (or the test bridge) exposes it. */
export interface AirlockBridge extends AirlockCalls {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** the file's path on disk, for a File from a drop or a file input */
  pathForFile(file: File): string;
}
