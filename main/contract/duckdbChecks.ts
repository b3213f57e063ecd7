// The parts of a contract only DuckDB can judge, checked when the contract is loaded for a run,
// before a run exists: every regular expression is compiled by DuckDB's own engine (RE2, which
// refuses look-arounds and back-references a JavaScript RegExp accepts: defect C6), every date
// format and bound is parsed once on a constant, and every `type: sql` check is parsed and
// confined to its table. A refusal is the contract's mistake: file, line, key, exit 2.
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from './errors.js';
import { loadContractFile } from './load.js';
import type { ColumnSpec, Contract } from './types.js';
import { queryValue, sqlString } from '../store/duckdb.js';
import { boundLiteral } from '../validate/typedValue.js';
import { checkSqlGateQuery } from '../validate/sqlGateCheck.js';

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0].replace(/^[A-Za-z ]*Error: /, '');
}

async function refuseUnless(conn: DuckDBConnection, sql: string, contract: Contract, line: number, what: string, hint: string): Promise<void> {
  try {
    await queryValue(conn, sql);
  } catch (e) {
    throw new UserError(`${contract.sourcePath}:${line}: ${what}: ${firstLine(e)}. ${hint}`, contract.sourcePath, line);
  }
}

async function checkColumn(conn: DuckDBConnection, contract: Contract, col: ColumnSpec): Promise<void> {
  const key = `property ${JSON.stringify(col.name)}`;
  const patterns: Array<[string, string, number]> = [];
  if (col.pattern) patterns.push([col.pattern, `${key} logicalTypeOptions.pattern`, col.line]);
  for (const q of col.quality) if (q.pattern) patterns.push([q.pattern, `${key} quality ${q.name} arguments.pattern`, q.line]);
  for (const [p, what, line] of patterns) {
    await refuseUnless(conn, `SELECT regexp_full_match('', ${sqlString(p)})`, contract, line, `${what} ${JSON.stringify(p)} is not a regular expression DuckDB (RE2) can compile`,
      'RE2 has no look-arounds (?=, ?!) or back-references; rewrite the pattern without them.');
  }
  if (col.format) {
    await refuseUnless(conn, `SELECT try_strptime('', ${sqlString(col.format)})`, contract, col.line, `${key} logicalTypeOptions.format ${JSON.stringify(col.formatSource ?? col.format)} is not a format DuckDB can read`,
      'Write a Java pattern such as yyyy-MM-dd or a strftime string such as %Y-%m-%d.');
  }
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const b = col[k];
    if (b === undefined) continue;
    await refuseUnless(conn, `SELECT ${boundLiteral(col, b)}`, contract, col.line, `${key} logicalTypeOptions.${k} ${JSON.stringify(b)} is not a ${col.logicalType}`,
      `Write a ${col.logicalType} value.`);
  }
}

export async function checkContractInDuckDB(conn: DuckDBConnection, contract: Contract): Promise<void> {
  for (const col of contract.columns) await checkColumn(conn, contract, col);
  for (const q of [...contract.quality, ...contract.columns.flatMap((c) => c.quality)]) {
    if (q.type !== 'sql' || !q.operator) continue;
    try {
      await checkSqlGateQuery(conn, q.query ?? '', contract.table);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${contract.sourcePath}:${q.line}: quality ${q.name}: ${e.message}`, contract.sourcePath, q.line);
      throw e;
    }
  }
}

/** Loads a contract file for a run: the YAML checks, then DuckDB's. */
export async function loadContractForRun(conn: DuckDBConnection, path: string): Promise<Contract> {
  const contract = loadContractFile(path);
  await checkContractInDuckDB(conn, contract);
  return contract;
}
