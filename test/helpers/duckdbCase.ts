// DuckDB's case mapping read from DuckDB itself, one code point at a time: what the generated table
// (main/export/dbt/duckdbCaseTable.ts) is written from and checked against.
import type { DuckDBConnection } from '@duckdb/node-api';

export async function readDuckdbCaseTable(conn: DuckDBConnection): Promise<{ version: string; rows: Array<[number, number, number]> }> {
  const version = String((await conn.runAndReadAll('SELECT version()')).getRows()[0]![0]);
  // every code point but the surrogates (chr() refuses them); lower/upper of one code point is one code point (checked here)
  const rows = (await conn.runAndReadAll(`WITH c AS (SELECT range AS cp, chr(range::INTEGER) AS ch FROM (SELECT range FROM range(0, 55296) UNION ALL SELECT range FROM range(57344, 1114112)))
    SELECT cp, lower(ch) AS l, upper(ch) AS u FROM c WHERE lower(ch) <> ch OR upper(ch) <> ch ORDER BY cp`)).getRows();
  return {
    version,
    rows: rows.map(([cp, l, u]) => {
      const lc = [...String(l)];
      const uc = [...String(u)];
      if (lc.length !== 1 || uc.length !== 1) throw new Error(`DuckDB maps U+${Number(cp).toString(16)} to more than one code point`);
      return [Number(cp), lc[0]!.codePointAt(0)!, uc[0]!.codePointAt(0)!];
    }),
  };
}
