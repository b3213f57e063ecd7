// Shapes shared by clustering, the proposers, the sandbox and the apply step.
import type { ColumnSpec, Contract, ReasonCode } from '../contract/types.js';
import type { TypedRule } from './rules/ruleTypes.js';

/** One distinct failing value of a cluster, with how many quarantined rows hold it. */
export interface ValueCount {
  value: string | null;
  count: number;
}

/** A group of quarantined cells that fail the same way (column, reason, value shape). */
export interface Cluster {
  id: string;
  column: string;
  reason: ReasonCode;
  /** every reason the cluster's cells fail with (the primary one is `reason`) */
  reasons?: string[];
  /** shape signatures merged into this cluster (character classes with run lengths) */
  signatures: string[];
  /** quarantined rows in the cluster */
  size: number;
  distinctValues: number;
  /** a handful of representatives: the only values shown to a model or embedded */
  samples: ValueCount[];
}

/**
 * A rule: logic, never data. `set` maps a column to a DuckDB scalar SQL expression over the
 * row's own columns (all VARCHAR, as they arrived); `where` optionally narrows the rows.
 */
export interface Proposal {
  id: string;
  clusterId: string;
  set: Record<string, string>;
  where?: string;
  confidence: number;
  reasoning: string;
  patternType: string;
  /** `synth:<strategy>` or `llm:<model file name>` */
  proposer: string;
}

/** What a synthesizer strategy sees for one cluster. */
export interface SynthInput {
  contract: Contract;
  column: ColumnSpec;
  cluster: Cluster;
  /** every distinct failing value of the cluster (bounded by the caller) */
  values: ValueCount[];
}

/**
 * A strategy's judged answer for a cluster: a typed rule that DuckDB ran over the cluster's
 * values, every change of which passes the column's checks.
 */
export interface SynthResult {
  /** the rule: a value map, a reference look-up, or one expression over the column */
  op: TypedRule;
  /**
   * The expression rule's single `set` value (a DuckDB scalar over the raw VARCHAR column);
   * '' for map and look-up rules, which have no expression of their own.
   */
  expr: string;
  where?: string;
  confidence: number;
  reasoning: string;
  patternType: string;
  strategy: string;
  /** what the judge measured: the share of the cluster's distinct values and rows repaired */
  coverage?: { distinctShare: number; rowShare: number };
}
