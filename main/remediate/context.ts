// Relations the remediation steps share: the batch's rows as text, the working copy of the
// quarantined rows, and the rows that give a cluster its context (same keys, same FD groups).
import type { Contract } from '../contract/types.js';
import { sqlIdent, sqlString } from '../store/duckdb.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import { candidatesSql } from '../validate/route.js';
import { clusterTable } from './clusterCells.js';
import { keyTextSql } from '../validate/keyValue.js';
import type { AgreedValueRule } from './rules/ruleTypes.js';

export interface RemediationScope {
  contract: Contract;
  runId: string;
  st: StreamTables;
  rt: RunTables;
}

export function contractColumns(contract: Contract): string {
  return contract.columns.map((c) => sqlIdent(c.name)).join(', ');
}

/** The batch's candidate rows (duplicates removed), contract columns as text. */
export function batchRows(s: RemediationScope): string {
  return `(SELECT ${contractColumns(s.contract)}, _airlock_row_id FROM ${candidatesSql(s.runId, s.st, s.rt)})`;
}

/** Quarantined rows of this run, as they arrived. */
export function quarantinedRows(s: RemediationScope): string {
  return `(SELECT ${contractColumns(s.contract)}, _airlock_row_id FROM ${s.st.quarantine} WHERE _airlock_run_id = ${sqlString(s.runId)} AND _airlock_raw_line IS NULL)`;
}

/**
 * The rows a proposal is judged on: its cluster's rows; for a recipe rule or an analyst's manual
 * edit (no cluster of this run), every quarantined row failing in the proposal's column.
 */
export function clusterRowIds(s: RemediationScope, clusterId: string, column?: string): string {
  if (column && (clusterId.startsWith('recipe:') || clusterId.startsWith('manual:'))) {
    return `(SELECT DISTINCT row_id FROM ${s.st.violations} WHERE run_id = ${sqlString(s.runId)} AND "column" = ${sqlString(column)} AND reason <> 'MALFORMED_RECORD')`;
  }
  return `(SELECT DISTINCT row_id FROM ${clusterTable(s.st)} WHERE run_id = ${sqlString(s.runId)} AND cluster_id = ${sqlString(clusterId)})`;
}

/** Key columns whose values tie rows together in validation (unique keys, FD determinants, composite duplicate keys). */
export function contextKeys(contract: Contract, changed?: Set<string>): string[][] {
  if (changed) {
    // Only groups a change to these columns can affect: keys that contain one of them, and FDs
    // they take part in (as determinant or dependent).
    return contextKeys(contract).filter((k) => k.some((c) => changed.has(c))
      || contract.fds.some((fd) => fd.determinant.join('\u001f') === k.join('\u001f') && fd.dependent.some((d) => changed.has(d))));
  }
  const keys: string[][] = [];
  for (const c of contract.columns) if (c.unique || c.primaryKey) keys.push([c.name]);
  for (const c of contract.columns) for (const q of c.quality) if (q.metric === 'duplicateValues') keys.push([c.name]);
  for (const q of contract.quality) if (q.metric === 'duplicateValues' && q.properties?.length) keys.push(q.properties);
  for (const fd of contract.fds) keys.push(fd.determinant);
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = k.join('\u001f');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The rows a validation of some subject rows must see: the subject rows (from `subject`, with
 * their values under test) plus every other row of the batch that shares a key or a dependency
 * group with one of them, taken from the working copy `work` when quarantined, else as routed.
 * Checks over groups (duplicates, FDs) then judge the subject rows as a full pass would. When the
 * subject is the whole working copy, the universe is the whole batch with it substituted.
 * Returns the statements that materialise `_subjrows` and `into`.
 */
export function validationUniverseSteps(s: RemediationScope, subject: string, work: string, subjectIds: string, into: string, changed?: string[]): string[] {
  const cols = contractColumns(s.contract);
  const keys = contextKeys(s.contract, changed ? new Set(changed) : undefined);
  // No group ties the subject to other rows: the universe is the subject itself, copied once
  // (`_subjrows` then only names its rows).
  if (keys.length === 0) {
    return [`CREATE OR REPLACE TEMP TABLE ${into} AS SELECT ${cols}, _airlock_row_id FROM ${subject} WHERE _airlock_row_id IN ${subjectIds}`,
      `CREATE OR REPLACE TEMP TABLE _subjrows AS SELECT _airlock_row_id FROM ${into}`];
  }
  const steps = [`CREATE OR REPLACE TEMP TABLE _subjrows AS SELECT ${cols}, _airlock_row_id FROM ${subject} WHERE _airlock_row_id IN ${subjectIds}`];
  const routed = `(SELECT ${cols}, _airlock_row_id FROM ${batchRows(s)} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${work}))`;
  if (subject === work) {
    return [...steps, `CREATE OR REPLACE TEMP TABLE ${into} AS SELECT * FROM ${routed} UNION ALL SELECT ${cols}, _airlock_row_id FROM ${work}`];
  }
  // Keys compare as typed values in validation (`01` and `1` are one integer key), so rows tie by
  // the typed key too; for a dependency determinant that is a superset of tying by text.
  const part = (c: string, alias: string) => {
    const spec = s.contract.columns.find((x) => x.name === c);
    return spec ? keyTextSql(spec, `${alias}.${sqlIdent(c)}`) : `${alias}.${sqlIdent(c)}`;
  };
  const expr = (k: string[], alias: string) => (k.length === 1 ? part(k[0], alias) : `concat_ws(chr(31), ${k.map((c) => part(c, alias)).join(', ')})`);
  const tie = keys.map((k) => `${expr(k, 'o')} IN (SELECT ${expr(k, 'x')} FROM _subjrows x)`).join(' OR ');
  const others = `SELECT ${cols}, _airlock_row_id FROM ${work} o WHERE o._airlock_row_id NOT IN (SELECT _airlock_row_id FROM _subjrows) AND (${tie})
    UNION ALL SELECT * FROM ${routed} o WHERE ${tie}`;
  return [...steps, `CREATE OR REPLACE TEMP TABLE ${into} AS SELECT * FROM _subjrows UNION ALL ${others}`];
}

/**
 * The rows as they stand, for rules that compute their evidence when applied (agreedValue): the
 * batch with the working copy `work` substituted for its quarantined rows, each row marked
 * `_airlock_passes` when `violations` (row_id, ...) holds nothing for it; plus production rows of
 * earlier runs, which passed. Production is typed: only its text columns are evidence as stored,
 * the others are NULL there (a typed value's text may not be its spelling in this stream).
 */
export function evidenceRows(s: RemediationScope, work: string, violations: string, only?: string[]): string {
  const specs = only ? s.contract.columns.filter((c) => only.includes(c.name)) : s.contract.columns;
  // Each list ends with a comma when not empty: a contract without dependencies votes on no column.
  const cols = specs.map((c) => `${sqlIdent(c.name)}, `).join('');
  const routed = `SELECT ${cols}_airlock_row_id, TRUE AS _airlock_passes FROM ${batchRows(s)} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${work})`;
  const worked = `SELECT ${cols}_airlock_row_id, _airlock_row_id NOT IN (SELECT row_id FROM ${violations}) AS _airlock_passes FROM ${work}`;
  const prodCols = specs.map((c) => (c.logicalType === 'string' ? `CAST(${sqlIdent(c.name)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)') + ` AS ${sqlIdent(c.name)}, `).join('');
  const prod = `SELECT ${prodCols}_airlock_row_id, TRUE AS _airlock_passes FROM ${s.st.prod} WHERE _airlock_run_id <> ${sqlString(s.runId)}`;
  return `(${routed} UNION ALL ${worked} UNION ALL ${prod})`;
}

/**
 * The columns a vote over the evidence reads (compileAgreedValue): the determinants and dependents
 * of the contract's dependencies, its source column, and those the given rules name (a recipe's
 * rule may name columns the contract's dependencies no longer do). Nothing else of a row is
 * evidence, and the relation holds every row of the batch: at 50 million rows each column left out
 * is gigabytes not copied.
 */
export function evidenceColumns(contract: Contract, rules: AgreedValueRule[] = []): string[] {
  const wanted = new Set<string>();
  for (const fd of contract.fds) for (const c of [...fd.determinant, ...fd.dependent]) wanted.add(c);
  if (contract.sourceColumn) wanted.add(contract.sourceColumn);
  for (const r of rules) {
    wanted.add(r.column);
    for (const d of r.determinants) for (const c of d) wanted.add(c);
    if (r.sourceColumn) wanted.add(r.sourceColumn);
  }
  return contract.columns.map((c) => c.name).filter((c) => wanted.has(c));
}

/**
 * The evidence relation materialised as a table, with only the columns a vote reads
 * (evidenceColumns): rules that vote over it run several grouped statements, which must not each
 * re-derive the batch. Refreshed by the caller when the working copy has changed.
 */
export async function materializeEvidence(conn: { run: (sql: string) => Promise<unknown> }, s: RemediationScope, work: string, violations: string, name: string, rules: AgreedValueRule[] = []): Promise<string> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM ${evidenceRows(s, work, violations, evidenceColumns(s.contract, rules))}`);
  return name;
}
