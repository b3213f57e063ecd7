// A contract's `type: sql` check comes from whoever wrote the contract, so it is parsed before it
// runs: one SELECT, reading only the contract's own table, with no table functions, no file or
// network access. DuckDB is also locked to the workspace, but a check must not even try.
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../contract/errors.js';
import { queryValue, sqlString } from '../store/duckdb.js';

const FORBIDDEN_FUNCTIONS = /^(read_|glob$|sniff_csv|parquet_|query|query_table|getenv|current_setting|duckdb_|pragma_|iceberg|delta_|sqlite_|postgres_|mysql_|httpfs|load|install)/i;

export async function checkSqlGateQuery(conn: DuckDBConnection, query: string, table: string): Promise<string> {
  const q = query.trim().replace(/;\s*$/, '');
  if (q.includes(';')) throw new UserError(`contract sql check: only one SELECT statement is allowed (found ';').`);
  const json = String(await queryValue(conn, `SELECT json_serialize_sql(${sqlString(q)})`));
  const parsed = JSON.parse(json) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (parsed.error) throw new UserError(`contract sql check is not a single SELECT: ${parsed.error_message ?? 'parse error'}`);
  if (!parsed.statements || parsed.statements.length !== 1) throw new UserError('contract sql check must be exactly one SELECT statement.');
  const problems: string[] = [];
  walk(parsed.statements[0], (node) => {
    const type = node.type as string | undefined;
    if (type === 'TABLE_FUNCTION') problems.push('a table function');
    // SHOW / DESCRIBE / SUMMARIZE read the catalog of the whole workspace (every stream's tables).
    if (type === 'SHOW_REF') problems.push('SHOW, DESCRIBE or SUMMARIZE');
    if (type === 'BASE_TABLE') {
      const name = String(node.table_name ?? '');
      if (name.toLowerCase() !== table.toLowerCase() || (node.schema_name && node.schema_name !== '') || (node.catalog_name && node.catalog_name !== '')) {
        problems.push(`table ${JSON.stringify(name)} (only ${table} may be read)`);
      }
    }
    if (node.class === 'FUNCTION' && FORBIDDEN_FUNCTIONS.test(String(node.function_name ?? ''))) problems.push(`function ${String(node.function_name)}`);
  });
  if (problems.length) throw new UserError(`contract sql check reads outside its batch: ${[...new Set(problems)].join(', ')}. A sql check may only query its own table.`);
  return q;
}

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, visit));
    return;
  }
  if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}
