// The run summary: the `run --json` object of ../shared/docs/cli.md, plus what the app shows.
import type { VariantSpelling } from '../contract/types.js';

/** 'remediating': the fast lane is promoted and the run's remediation job is not done yet (remediate/job.ts) */
export type RunStatus = 'running' | 'remediating' | 'completed' | 'halted' | 'held' | 'failed' | 'rejected';

export interface GateResult {
  name: string;
  metric: string;
  column?: string;
  value: number;
  unit: 'rows' | 'percent';
  operator: string;
  threshold: number | [number, number];
  passed: boolean;
}

export interface Reconciliation {
  stage: string;
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  duplicateRows: number;
  /** routed to the fast lane of a held batch, not yet promoted */
  pendingRows: number;
  ok: boolean;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  fastLaneRows: number;
  remediatedRows: number;
  duplicateRows: number;
  malformedRows: number;
  pendingRows: number;
  clusters: number;
  proposals: number;
  modelCalls: number;
  reconciled: boolean;
  gates: GateResult[];
  timingsMs: { ingest: number; validate: number; remediate: number; promote: number; total: number };
  reconciliation: Reconciliation[];
  contract: { id: string; version: string; signature: string; sha256: string; table: string };
  input: { name: string; sha256: string; bytes: number; format: string };
  /** set when this file was already processed with this contract version */
  idempotent?: boolean;
  previousRunId?: string;
  /** when that earlier run started (ISO time), so a re-drop can say when the file was processed */
  previousRunAt?: string;
  replayOf?: string;
  drift?: { changes: { kind: string; column: string; detail: string }[]; decision: string };
  message?: string;
  /** what the user should hear about the input (encoding, blank lines) */
  hints?: string[];
  models?: { llm: string | null; embedder: string | null };
  /** recipe rules of earlier files: applied under this run's approval mode, or waiting for review */
  recipe?: { applied: number; waiting: number; skipped?: Array<{ proposalId: string; column: string; reason: string }> };
  /** rules the profiler inferred that no analyst has confirmed (contract `inferred` markers): enforced all the same */
  unconfirmedRules?: string[];
  /**
   * Rare spellings of dominant values this run's validation held as LIKELY_VARIANT, per column
   * (validate/variants.ts): found in the batch, so kept with the run for whatever judges it later.
   */
  variants?: Record<string, VariantSpelling[]>;
  /** verified fixes of this run that no approval covered: they wait for review */
  waitingForReview?: number;
  /**
   * How a run that did not finish was closed (status 'failed', nothing counted): the analyst
   * cancelled it, its process was killed, or it stopped on an error. Kept apart so that a
   * cancellation is never shown as a failure or a crash.
   */
  ended?: RunEnding;
  /**
   * The run stopped on an error and its undo failed too (out of memory again): its writes are
   * still in production until the next run on the workspace undoes them first (recover.ts).
   */
  undoPending?: boolean;
}

export type RunEnding = 'cancelled' | 'interrupted' | 'error';

export interface Progress {
  runId: string;
  stage: 'vault' | 'ingest' | 'validate' | 'route' | 'promote' | 'cluster' | 'propose' | 'verify' | 'apply' | 'done';
  done: number;
  total: number;
  message: string;
  rowsPerSecond?: number;
}

export type ApprovalMode = { kind: 'none' } | { kind: 'all' } | { kind: 'min-confidence'; min: number };
