// `airlock profile <file>`: proposes a data contract from a file. The file is staged as text
// (readInput), DuckDB summarises every column with set operations, and the proposal is written
// as ODCS YAML that loads through parseContract. It is a draft for an analyst to review.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readInput } from '../ingest/readInput.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { parseContract } from './load.js';
import { discoverFds, FD_MASK, type FdOptions, type FdProposal } from './profileFds.js';
import { PROFILE_DEFAULTS, applyTypedSummary, inferColumn, type ColumnProfile, type ProfileThresholds } from './profileInfer.js';
import {
  buildValueCounts, columnBasics, columnShapes, columnValues, patternCoverage, typedSummary, typeEvidence,
} from './profileStats.js';
import { proposalYaml } from './profileYaml.js';
import { quantityEvidence } from './profileQuantity.js';
import { referenceTables } from './referenceData.js';
import type { ReferenceTables } from './reference.js';
import { columnEvidence, dependencyEvidence } from './profileEvidence.js';
import type { ColumnSpec, Contract } from './types.js';
import { missingSql, singleValueChecks } from '../validate/compileViolations.js';
import { isReservedColumn, RESERVED_PREFIX } from '../validate/reservedColumns.js';
import { UserError } from './errors.js';

export type { ColumnProfile } from './profileInfer.js';
export type { FdProposal } from './profileFds.js';

export interface ContractProposal {
  yaml: string;
  /** the YAML parsed back with parseContract */
  contract: Contract;
  columns: ColumnProfile[];
  fds: FdProposal[];
  /** records profiled, and records the reader could not parse (left out) */
  rows: number;
  malformedRows: number;
}

export interface ProfileOptions {
  /**
   * On tables with more rows, type evidence, character-class shapes and the functional-dependency
   * search read a sample of this many rows (default 200,000); value counts, keys, and the final
   * type and pattern checks always cover every row.
   */
  sampleRows?: number;
  /** a folder DuckDB may write to, for a line-ending-normalised copy of a CSV that needs one */
  scratchDir?: string;
  /** reference tables for folding names of one entity in a value set (default: resources/reference) */
  reference?: ReferenceTables;
  /** the profile's thresholds (PROFILE_DEFAULTS) and the dependency search's (FD_DEFAULTS), each overridable */
  thresholds?: Partial<ProfileThresholds>;
  dependencies?: Partial<FdOptions>;
}

const STAGE = '_airlock_profile_stage';
const MALFORMED = '_airlock_profile_malformed';
const SAMPLE = '_airlock_profile_sample';
const VALUES = '_airlock_profile_values';
const SAMPLE_VALUES = '_airlock_profile_sample_values';
const FD_ROWS = '_airlock_profile_fd_rows';
const TOP_VALUES = 50;
const TOP_SHAPES = 50;
const KEY_NAME = /(^|[_ -])(id|idx|index|key|pk)$|^(id|index|key)$/i;

/** A table name from the file name: letters, digits and underscores, not starting with a digit. */
export function tableNameFor(displayName: string): string {
  const stem = basename(displayName).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!stem) return 'table_1';
  return /^[0-9]/.test(stem) ? `t_${stem}` : stem;
}

/**
 * A column unique on all but a few rows is still a key when it looks machine-made (integers, or
 * text of one pattern): its few duplicates are dirt to show, not a reason to drop the key. Free
 * text that is nearly unique (names) is not: namesakes are real.
 */
function nearKey(c: ColumnProfile, share: number): boolean {
  const nonEmpty = c.rows - c.nullCount;
  const duplicates = nonEmpty - c.distinctCount;
  const machineMade = c.inferredType === 'integer' || (c.inferredType === 'string' && !!c.pattern && !c.enum);
  return machineMade && c.rows >= 20 && duplicates > 0 && duplicates <= (1 - share) * nonEmpty
    && c.nullCount <= (1 - share) * c.rows;
}

/** unique on every key-like column; primaryKey on the first one named like an id, else the first. */
function markKeys(columns: ColumnProfile[], nearKeyShare: number): void {
  // Floats, dates and flags that happen to be all distinct are measurements, not identifiers.
  const exact = columns.filter((c) => c.candidateKey && (c.inferredType === 'integer' || c.inferredType === 'string'));
  const near = columns.filter((c) => !c.candidateKey && nearKey(c, nearKeyShare));
  [...exact, ...near].forEach((c) => { c.unique = true; });
  // A primary key has a value on every row: only an exact key, or a near one with no empty cell.
  const pkable = [...exact, ...near.filter((c) => c.nullCount === 0)];
  const pk = pkable.find((c) => KEY_NAME.test(c.name)) ?? pkable[0];
  if (pk) pk.primaryKey = true;
}

/**
 * `target`: `source` with every cell that a single-column check of `draft` flags (type, pattern,
 * set, a missing required value) replaced by FD_MASK, judged by the validator's own SQL.
 */
async function maskDirtyCells(conn: DuckDBConnection, source: string, draft: Contract, target: string): Promise<void> {
  const cols = draft.columns.map((c) => {
    const v = sqlIdent(c.name);
    const bad = singleValueChecks(c, v).map((k) => k.when);
    if (c.required) bad.push(missingSql(c, v));
    return bad.length ? `CASE WHEN ${bad.join(' OR ')} THEN ${sqlString(FD_MASK)} ELSE ${v} END AS ${v}` : v;
  });
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT ${cols.join(', ')} FROM ${source}`);
}

/** The part of a column's proposal that the validator's type test reads. */
function typeSpec(c: ColumnProfile): ColumnSpec {
  return {
    name: c.name, logicalType: c.inferredType, format: c.format, missingTokens: c.missingTokens,
    required: false, unique: false, primaryKey: false, quality: [], line: 0,
  };
}

/** Drops proposed patterns that, checked over every value, cover less than the dominant share. */
async function confirmPatterns(conn: DuckDBConnection, columns: ColumnProfile[], minShare: number): Promise<void> {
  // A pattern of 2,000+ characters (literal long values) reads as no rule, and the contract form refuses it (main/api/contract.ts).
  for (const c of columns) if (c.pattern && c.pattern.length > 2000) delete c.pattern;
  const patterns = new Map(columns.filter((c) => c.pattern).map((c) => [c.name, c.pattern!]));
  const shares = await patternCoverage(conn, VALUES, patterns);
  for (const c of columns) if (c.pattern && (shares.get(c.name) ?? 0) < minShare) delete c.pattern;
}

export async function profileFile(conn: DuckDBConnection, path: string, displayName: string, opts: ProfileOptions = {}): Promise<ContractProposal> {
  const sampleRows = Math.max(1, Math.floor(opts.sampleRows ?? 200_000));
  const th: ProfileThresholds = { ...PROFILE_DEFAULTS, ...opts.thresholds };
  try {
    const input = await readInput(conn, path, displayName, STAGE, MALFORMED, opts.scratchDir);
    const header = input.header;
    // Else the loader refuses the draft and the error names a proposal file that does not exist.
    header.forEach((h, i) => {
      if (isReservedColumn(h)) throw new UserError(`${displayName}:1: column ${i + 1} of the header, ${JSON.stringify(h)}: names starting with ${RESERVED_PREFIX} are reserved for Airlock's own columns; rename it.`, displayName, 1);
    });
    const rows = Number(await queryValue(conn, `SELECT count(*) FROM ${STAGE}`));
    const sampled = rows > sampleRows;
    if (sampled) await conn.run(`CREATE OR REPLACE TEMP TABLE ${SAMPLE} AS SELECT * FROM ${STAGE} USING SAMPLE reservoir(${sampleRows} ROWS) REPEATABLE (42)`);
    const source = sampled ? SAMPLE : STAGE;

    await buildValueCounts(conn, STAGE, header, VALUES);
    if (sampled) await buildValueCounts(conn, SAMPLE, header, SAMPLE_VALUES);
    const basics = await columnBasics(conn, VALUES, header);
    const evidence = await typeEvidence(conn, sampled ? SAMPLE_VALUES : VALUES, header);
    const values = await columnValues(conn, VALUES, header, TOP_VALUES);
    // Shapes only propose a pattern, which is then checked over every row: a sample suffices.
    const shapes = await columnShapes(conn, sampled ? SAMPLE_VALUES : VALUES, header, TOP_SHAPES);
    // Over every distinct value, not the sample: its counts are checked against the whole table's.
    const quantities = await quantityEvidence(conn, VALUES, header);
    const reference = opts.reference ?? referenceTables();
    const infer = (i: number, asText = false) => inferColumn(basics[i], evidence.get(header[i])!, values.get(header[i])!, shapes.get(header[i])!, asText, quantities.get(header[i]), reference, th);
    const columns = header.map((_, i) => infer(i));

    // Types are confirmed over every row with the validator's own tests.
    const typed = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.inferredType !== 'string');
    const summaries = await typedSummary(conn, STAGE, typed.map(({ c }) => typeSpec(c)));
    for (const { c, i } of typed) if (!applyTypedSummary(c, summaries.get(c.name)!, th)) columns[i] = infer(i, true);

    await confirmPatterns(conn, columns, th.dominantShare);
    markKeys(columns, th.nearKeyShare);
    // A primary key with duplicates is required; its duplicates are the violations.
    for (const c of columns) if (c.primaryKey) c.required = c.nullCount === 0;
    const table = tableNameFor(displayName);
    const meta = { table, displayName, rows, malformedRows: input.malformedRows };
    // Dependencies are measured with the cells that fail their own column's checks masked: a
    // typo'd code, a case variant, a missing required value is no evidence for or against a
    // dependency, and at 10% dirt per column it would hide the real ones. Eligibility counts
    // stay those of the whole table.
    // One draft of the column rules serves both the masking and the evidence (the validator's
    // single-column checks; dependencies play no part in either).
    const draft = parseContract(proposalYaml(meta, columns, []), `${table}.odcs.yaml (draft)`);
    await maskDirtyCells(conn, source, draft, FD_ROWS);
    const fds = await discoverFds(conn, FD_ROWS, columns.map((c) => ({ name: c.name, rows: c.rows, nonEmpty: c.rows - c.nullCount, distinct: c.distinctCount, text: c.inferredType === 'string' && !c.pattern && !c.enum })), { minMeasuredShare: th.dominantShare, minWrittenAgreement: th.dominantShare, writtenTable: source, ...opts.dependencies });
    // The evidence is measured with the validator's checks of the proposal itself.
    const proof = { columns: await columnEvidence(conn, VALUES, draft, columns), dependencies: fds.map((f) => dependencyEvidence(f, sampled ? sampleRows : rows)) };
    const yaml = proposalYaml(meta, columns, fds, proof);
    const contract = parseContract(yaml, `${table}.odcs.yaml (proposed)`);
    return { yaml, contract, columns, fds, rows, malformedRows: input.malformedRows };
  } finally {
    for (const t of [STAGE, MALFORMED, SAMPLE, VALUES, SAMPLE_VALUES, FD_ROWS]) await conn.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
