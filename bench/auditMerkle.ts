// The audit step for many changed cells: the old way (one hash-chained entry per cell, pages of
// changes read into JavaScript and PII-tokenised there) against the new (one cell_changes entry
// per rule application, leaves, tokens and Merkle levels in DuckDB; pipeline/auditChanges.ts).
//
//   node --import tsx bench/auditMerkle.ts                # 200,000 cells
//   node --import tsx bench/auditMerkle.ts --cells 50000 --new-only   # the new path alone
//   AIRLOCK_AUDIT_TIMING=1 node --import tsx bench/auditMerkle.ts    # and its steps on stderr
//
// Each way runs on its own fresh workspace with the same changes: 4 rules over 3 columns, one of
// them (email) marked pii, so a quarter of the values are tokenised either way. The old path is
// kept here only, as it stood before (git show 397d2fd:main/pipeline/auditChanges.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditKind, CellChange } from '../main/audit/log.js';
import { parseContract } from '../main/contract/load.js';
import type { Contract } from '../main/contract/types.js';
import { openEngine, type Engine } from '../main/pipeline/context.js';
import { auditTableChanges } from '../main/pipeline/auditChanges.js';
import { queryRows, sqlString } from '../main/store/duckdb.js';
import { ensureStreamTables, type StreamTables } from '../main/store/tables.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: bench_audit
name: bench_audit
version: 1.0.0
schema:
  - name: bench_audit
    properties:
      - { name: id, logicalType: integer, primaryKey: true }
      - { name: city, logicalType: string }
      - { name: zip, logicalType: string }
      - name: email
        logicalType: string
        customProperties:
          - { property: pii, value: email }
`;

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const CELLS = Number(arg('--cells') ?? 200_000);
const RUN = 'run_bench_audit';

async function setUp(label: string): Promise<{ engine: Engine; contract: Contract; st: StreamTables; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `airlock-audit-${label}-`));
  const engine = await openEngine(join(dir, 'ws'));
  const contract = parseContract(CONTRACT);
  const st = await ensureStreamTables(engine.duck.conn, contract);
  // CELLS changes, one per row: column by i % 4 (email twice as often), two rules per column.
  await engine.duck.conn.run(`INSERT INTO ${st.changes}
    SELECT ${sqlString(RUN)}, i + 1, c, CASE c WHEN 'email' THEN 'Person.' || i || '@Example.com' WHEN 'zip' THEN CAST(1000 + i % 9000 AS VARCHAR) ELSE 'birminghxm ' || (i % 50) END,
      CASE c WHEN 'email' THEN 'person.' || i || '@example.com' WHEN 'zip' THEN lpad(CAST(1000 + i % 9000 AS VARCHAR), 5, '0') ELSE 'birmingham ' || (i % 50) END,
      'PATTERN_MISMATCH', 'rule-' || c || '-' || ((i // 4) % 2), 0.95, 'synth:bench', '2026-12-03T12:00:00.000Z'
    FROM (SELECT i, ['city', 'zip', 'email', 'email'][i % 4 + 1] AS c FROM range(${CELLS}) t(i))`);
  return { engine, contract, st, dir };
}

/** The audit step as it was: pages into JavaScript, tokens per cell, one chain entry per cell. */
async function oldAuditTableChanges(engine: Engine, contract: Contract, runId: string, st: StreamTables): Promise<number> {
  const PAGE = 50_000;
  const piiByColumn = new Map(contract.columns.filter((c) => c.pii).map((c) => [c.name, c.pii!]));
  type Row = { row_id: number; column: string; old_value: string | null; new_value: string | null; reason: string; rule: string; confidence: number; proposer: string; ts: string };
  let total = 0;
  let after: { row: number; column: string } | null = null;
  for (;;) {
    const page: Row[] = await queryRows<Row>(engine.duck.conn,
      `SELECT row_id, "column", old_value, new_value, reason, rule, confidence, proposer, ts FROM ${st.changes}
       WHERE run_id = ${sqlString(runId)}${after ? ` AND (row_id, "column") > (${after.row}, ${sqlString(after.column)})` : ''}
       ORDER BY row_id, "column" LIMIT ${PAGE}`);
    if (page.length === 0) break;
    const changes: CellChange[] = engine.pii.protectChanges(page.map((r) => ({
      row_id: Number(r.row_id), column: r.column, old: r.old_value, new: r.new_value, reason: r.reason,
      confidence: Number(r.confidence), rule: r.rule, version: r.proposer, timestamp: r.ts,
    })), piiByColumn);
    engine.audit.appendMany(changes.map((c) => ({ runId, kind: 'cell_change' as AuditKind, payload: { ...c } })));
    total += changes.length;
    const last = page[page.length - 1];
    after = { row: Number(last.row_id), column: last.column };
    if (page.length < PAGE) break;
  }
  return total;
}

async function time(label: string, fn: (e: Engine, c: Contract, st: StreamTables) => Promise<number>) {
  const { engine, contract, st, dir } = await setUp(label);
  try {
    const t0 = performance.now();
    const cells = await fn(engine, contract, st);
    const ms = performance.now() - t0;
    const entries = engine.audit.entries().length;
    if (!engine.audit.verify().ok) throw new Error(`${label}: the chain does not verify`);
    return { label, cells, ms: Math.round(ms), entries };
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [
  ...(process.argv.includes('--new-only') ? [] : [await time('old: one entry per cell, JS', (e, c, st) => oldAuditTableChanges(e, c, RUN, st))]),
  await time('new: one entry per rule, Merkle in DuckDB', (e, c, st) => auditTableChanges(e, c, RUN, st)),
];
for (const r of results) console.log(`${r.label.padEnd(44)} ${r.cells.toLocaleString('en-US')} cells  ${r.ms.toLocaleString('en-US').padStart(7)} ms  ${r.entries.toLocaleString('en-US')} chain entries`);
if (results.length === 2) console.log(`speed-up: ${(results[0].ms / results[1].ms).toFixed(1)}x`);
