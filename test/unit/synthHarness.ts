// Shared by the synth*.test.ts files: builds a strategy's input for a small cluster and runs the
// emitted expression in a real (locked) DuckDB over those values, so tests check what the SQL
// does, not what the JavaScript mirror believes it does.
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import type { ColumnSpec, Contract } from '../../main/contract/types.js';
import type { SynthInput, SynthResult, ValueCount } from '../../main/remediate/types.js';
import { openLockedDuckDB, queryRows, sqlIdent, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { loadReferenceTables, runStrategy, type SynthContext, type ReferenceTables, type Strategy } from '../../main/remediate/synth/index.js';
import { compileRule } from '../../main/remediate/rules/compileRule.js';
import { repairByPattern, type PatternRepair } from '../../main/remediate/synth/patternTypo.js';
import { parseCsv } from '../../main/contract/reference.js';
import { checkProposal } from '../../main/remediate/sandbox.js';
import { tempDir } from '../helpers/tmp.js';

export const RESOURCES = resolve(import.meta.dirname, '..', '..', 'resources');

let reference: ReferenceTables | undefined;
export function referenceTables(): ReferenceTables {
  reference ??= loadReferenceTables(RESOURCES);
  return reference;
}

export function column(spec: Partial<ColumnSpec> & { name: string }): ColumnSpec {
  return {
    logicalType: 'string', required: false, unique: false, primaryKey: false, missingTokens: [], quality: [], line: 1,
    ...spec,
  };
}

export function contractFor(col: ColumnSpec): Contract {
  return {
    id: 't', name: 't', version: '1.0.0', table: 't', columns: [col], quality: [], fds: [],
    schemaEvolution: 'strict', signature: '', yamlSha256: '', yaml: '', sourcePath: '',
  };
}

/** Values as plain strings (count 1) or [value, count]. */
export function counts(values: Array<string | null | [string | null, number]>): ValueCount[] {
  return values.map((v) => (Array.isArray(v) ? { value: v[0], count: v[1] } : { value: v, count: 1 }));
}

export function synthInput(col: ColumnSpec, values: Array<string | null | [string | null, number]>): SynthInput {
  const vc = counts(values);
  return {
    contract: contractFor(col),
    column: col,
    cluster: {
      id: 'c1', column: col.name, reason: 'TYPE_MISMATCH', signatures: [], size: vc.reduce((a, v) => a + v.count, 0),
      distinctValues: vc.length, samples: vc.slice(0, 5),
    },
    values: vc,
  };
}

export function ctx(validSample: string[] = [], minCoverage?: number): SynthContext {
  return {
    reference: referenceTables(),
    validSample: validSample.map((value) => ({ value, count: 1 })),
    ...(minCoverage !== undefined ? { minCoverage } : {}),
  };
}

// The functions the brief allows in a rule; anything else would be refused by the sandbox.
const ALLOWED_FUNCTIONS = new Set([
  'lower', 'upper', 'trim', 'replace', 'regexp_replace', 'regexp_extract', 'regexp_full_match', 'cast', 'try_cast',
  'strftime', 'try_strptime', 'round', 'lpad', 'concat', 'nullif', 'coalesce', 'length', 'substr', 'levenshtein', 'split_part',
]);

/** Function names called in an expression, string literals ignored. */
export function calledFunctions(expr: string): string[] {
  const code = expr.replace(/'(?:[^']|'')*'/g, "''");
  return [...code.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1].toLowerCase())
    .filter((f) => !['and', 'or', 'not', 'in', 'when', 'then', 'else'].includes(f));
}

export function disallowedFunctions(expr: string): string[] {
  return calledFunctions(expr).filter((f) => !ALLOWED_FUNCTIONS.has(f));
}

/** An in-memory database; its scratch folder goes when it is closed. */
export async function openDb(): Promise<LockedDuckDB> {
  const dir = tempDir('synth');
  const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 1 });
  return { ...db, close() { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** One strategy's judged result (the judge runs in the test database). */
export function run(db: LockedDuckDB, strategy: Strategy, input: SynthInput, c: SynthContext): Promise<SynthResult | null> {
  return runStrategy(db.conn, strategy, input, c);
}

/**
 * Applies a judged result to the values in DuckDB, as the pipeline does: an expression rule
 * passes the remediation sandbox and its normalized text runs; a map or look-up rule is compiled
 * (its lines in a temp table). Rows outside the rule's `where` keep their value.
 */
export async function apply(db: LockedDuckDB, colName: string, r: SynthResult, values: Array<string | null>): Promise<Array<string | null>> {
  const col = sqlIdent(colName);
  let expr: string, where: string | undefined;
  const setup: string[] = [], teardown: string[] = [];
  if (r.op.kind === 'expression') {
    expect(r.expr).toBe(r.op.set[colName]);
    const checked = await checkProposal(db.conn, { set: r.op.set, ...(r.op.where ? { where: r.op.where } : {}) }, [colName]);
    if (!checked.ok) throw new Error(`sandbox refused the rule: ${checked.reason}`);
    expr = checked.set[colName];
    where = checked.where;
  } else {
    expect(r.expr).toBe('');
    const spec = column({ name: colName });
    const compiled = compileRule(r.op, { contract: contractFor(spec), runId: 'test', reference: referenceTables() });
    expr = compiled.set[colName];
    where = compiled.where;
    setup.push(...compiled.setup);
    teardown.push(...compiled.teardown);
  }
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'CAST(NULL AS VARCHAR)' : sqlString(v)})`).join(', ');
  const out = where ? `CASE WHEN ${where} THEN ${expr} ELSE ${col} END` : expr;
  const sql = `SELECT ${out} AS out FROM (VALUES ${rows}) t(i, ${col}) ORDER BY i`;
  try {
    for (const s of setup) await db.conn.run(s);
    const res = await queryRows<{ out: string | null }>(db.conn, sql);
    return res.map((x) => x.out);
  } finally {
    for (const s of teardown) await db.conn.run(s);
  }
}

/** The SQL text a result carries for the function allow-list test ('' for map/look-up rules). */
export function ruleText(r: SynthResult): string {
  return r.op.kind === 'expression' ? Object.values(r.op.set).join(' ') : '';
}

/** A benchmark table as header + rows (test-only reader). */
export function readBench(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  return { header, rows };
}

/** The pattern-typo search for one value (the strategy runs it over a whole cluster at once). */
export async function repair1(db: LockedDuckDB, v: string, pattern: string, valid: string[]): Promise<PatternRepair> {
  return (await repairByPattern(db.conn, [v], pattern, valid))[0];
}
