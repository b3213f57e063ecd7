// `airlock profile <file>`: proposes a data contract from a file. The file is staged as text
// (readInput), DuckDB summarises every column with set operations, and the proposal is written
// as ODCS YAML that loads through parseContract. It is a draft for an analyst to review.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readInput } from '../ingest/readInput.js';
import { queryValue } from '../store/duckdb.js';
import { parseContract } from './load.js';
import { discoverFds, type FdProposal } from './profileFds.js';
import { AGREEMENT, inferColumn, type ColumnProfile } from './profileInfer.js';
import { columnShapes, columnStats, columnValues, patternCoverage } from './profileStats.js';
import { proposalYaml } from './profileYaml.js';
import type { Contract } from './types.js';

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
  /** rows sampled for the functional-dependency search on large tables (default 200,000) */
  sampleRows?: number;
}

const STAGE = '_airlock_profile_stage';
const MALFORMED = '_airlock_profile_malformed';
const SAMPLE = '_airlock_profile_sample';
const TOP_VALUES = 50;
const TOP_SHAPES = 50;
const KEY_NAME = /(^|[_ -])(id|idx|index|key|pk)$|^(id|index|key)$/i;

/** A table name from the file name: letters, digits and underscores, not starting with a digit. */
export function tableNameFor(displayName: string): string {
  const stem = basename(displayName).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!stem) return 'table_1';
  return /^[0-9]/.test(stem) ? `t_${stem}` : stem;
}

/** unique on every key-like column; primaryKey on the first one named like an id, else the first. */
function markKeys(columns: ColumnProfile[]): void {
  // Floats, dates and flags that happen to be all distinct are measurements, not identifiers.
  const keys = columns.filter((c) => c.candidateKey && (c.inferredType === 'integer' || c.inferredType === 'string'));
  keys.forEach((c) => { c.unique = true; });
  const pk = keys.find((c) => KEY_NAME.test(c.name)) ?? keys[0];
  if (pk) pk.primaryKey = true;
}

/** Drops proposed patterns that, checked over every value, cover less than the agreement share. */
async function confirmPatterns(conn: DuckDBConnection, columns: ColumnProfile[]): Promise<void> {
  const patterns = new Map(columns.filter((c) => c.pattern).map((c) => [c.name, c.pattern!]));
  const shares = await patternCoverage(conn, STAGE, patterns);
  for (const c of columns) if (c.pattern && (shares.get(c.name) ?? 0) < AGREEMENT) delete c.pattern;
}

async function fdsOf(conn: DuckDBConnection, columns: ColumnProfile[], rows: number, sampleRows: number): Promise<FdProposal[]> {
  let source = STAGE;
  if (rows > sampleRows) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${SAMPLE} AS SELECT * FROM ${STAGE} USING SAMPLE reservoir(${Math.floor(sampleRows)} ROWS) REPEATABLE (42)`);
    source = SAMPLE;
  }
  return discoverFds(conn, source, columns.map((c) => ({ name: c.name, rows: c.rows, nonEmpty: c.rows - c.nullCount, distinct: c.distinctCount })));
}

export async function profileFile(conn: DuckDBConnection, path: string, displayName: string, opts: ProfileOptions = {}): Promise<ContractProposal> {
  const sampleRows = opts.sampleRows ?? 200_000;
  try {
    const input = await readInput(conn, path, displayName, STAGE, MALFORMED);
    const header = input.header;
    const rows = Number(await queryValue(conn, `SELECT count(*) FROM ${STAGE}`));
    const [stats, values, shapes] = [
      await columnStats(conn, STAGE, header),
      await columnValues(conn, STAGE, header, TOP_VALUES),
      await columnShapes(conn, STAGE, header, TOP_SHAPES),
    ];
    const columns = stats.map((s) => inferColumn(s, values.get(s.name)!, shapes.get(s.name)!));
    await confirmPatterns(conn, columns);
    markKeys(columns);
    const fds = await fdsOf(conn, columns, rows, sampleRows);
    const table = tableNameFor(displayName);
    const yaml = proposalYaml({ table, displayName, rows, malformedRows: input.malformedRows }, columns, fds);
    const contract = parseContract(yaml, `${table}.odcs.yaml (proposed)`);
    return { yaml, contract, columns, fds, rows, malformedRows: input.malformedRows };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${STAGE}; DROP TABLE IF EXISTS ${MALFORMED}; DROP TABLE IF EXISTS ${SAMPLE};`);
  }
}
