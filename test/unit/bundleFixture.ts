// A realistic BundleInput without the pipeline: a real hash-chained audit log on a temp SQLite,
// cell changes protected by a real PiiProtector, exported files on disk, clusters and rules.
import { asRecipe } from '../helpers/recipeRule.js';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, type CellChange } from '../../main/audit/log.js';
import { loadOrCreateWorkspaceSecret, PiiProtector } from '../../main/audit/pii.js';
import type { BundleInput, ClusterSummary, FailureCount, RecipeRule, ShippedChange } from '../../main/audit/bundle.js';
import { CELL_CHANGES_KIND, changesRoot, MERKLE_SPEC, type LeafChange } from '../../main/audit/merkle.js';
import type { PiiKind } from '../../main/contract/types.js';
import { openSqlite, type Sqlite } from '../../main/store/sqlite.js';

export const CONTRACT_YAML = `apiVersion: v3.1.0
kind: DataContract
id: customers
name: customers
version: 1.2.0
schema:
  - name: customers
    properties:
      - name: id
        logicalType: integer
        primaryKey: true
      - name: phone
        logicalType: string
        customProperties:
          - { property: pii, value: phone }
      - name: zip
        logicalType: string
        logicalTypeOptions: { pattern: '\\d{5}' }
`;

export interface FixtureOptions {
  runId?: string;
  /** cell changes before protection; the fixture protects them with columnKinds */
  changes?: CellChange[];
  columnKinds?: Map<string, PiiKind>;
  /** clear values of the pii columns (a bare string is a phone); the fixture maps each to its token */
  piiClear?: Array<string | [string, PiiKind]>;
  clusters?: ClusterSummary[];
  rules?: RecipeRule[];
  failures?: FailureCount[];
  contractYaml?: string;
  summary?: Record<string, unknown>;
  includePii?: boolean;
}

export interface Fixture {
  input: BundleInput;
  db: Sqlite;
  protector: PiiProtector;
  log: AuditLog;
  workspace: string;
}

/** The audit form of a change (as the SQL gives it: confidence as DuckDB's text of the DOUBLE). */
export function leafForm(c: CellChange): LeafChange {
  return { row_id: c.row_id, column: c.column, old: c.old, new: c.new, reason: c.reason, rule: c.rule, confidence: Number.isInteger(c.confidence) ? c.confidence.toFixed(1) : String(c.confidence), proposer: c.version, ts: c.timestamp };
}

/**
 * What pipeline/auditChanges.ts does in DuckDB, done here in JavaScript for a handful of changes
 * already protected: one cell_changes entry per (rule, proposer, ts) with its Merkle root.
 */
export function sealChanges(log: AuditLog, runId: string, changes: CellChange[]): ShippedChange[] {
  const groups = new Map<string, LeafChange[]>();
  for (const c of changes.map(leafForm)) {
    const key = JSON.stringify([c.rule, c.proposer, c.ts]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const out: ShippedChange[] = [];
  for (const cells of groups.values()) {
    const [e] = log.appendMany([{ runId, kind: CELL_CHANGES_KIND, payload: { rule: cells[0].rule, proposer: cells[0].proposer, ts: cells[0].ts, cells: cells.length, merkle_root: changesRoot(cells), merkle: MERKLE_SPEC } }]);
    out.push(...cells.map((c) => ({ ...c, seq: e.seq })));
  }
  return out;
}

export function change(row: number, column: string, oldValue: string | null, newValue: string | null, rule = 'r-zip-pad'): CellChange {
  return { row_id: row, column, old: oldValue, new: newValue, reason: 'PATTERN_MISMATCH', confidence: 0.97, rule, version: `${rule}@synth:pad`, timestamp: '2025-01-01T10:00:00.000Z' };
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function makeFixture(workspace: string, opts: FixtureOptions = {}): Fixture {
  const runId = opts.runId ?? 'run-20250101-0001';
  mkdirSync(join(workspace, 'out'), { recursive: true });
  const db = openSqlite(join(workspace, 'airlock.sqlite'));
  const log = new AuditLog(db);
  const keysDir = join(workspace, 'keys');
  const protector = new PiiProtector(db, loadOrCreateWorkspaceSecret(keysDir));
  const columnKinds = opts.columnKinds ?? new Map<string, PiiKind>([['phone', 'phone']]);

  // Another run's entries first, so the bundle holds a slice of the chain, not its start.
  log.append({ runId: 'run-earlier', kind: 'stage', payload: { stage: 'ingest', rows: 3 } });
  const changes = opts.changes ?? [
    change(2, 'zip', '3523', '03523'),
    change(5, 'zip', '1234', '01234'),
    change(7, 'phone', '205-325-8100', '2053258100', 'r-phone-digits'),
  ];
  log.appendMany([
    { runId, kind: 'ingest', payload: { file: 'customers.csv', rows: 10, sha256: 'ab'.repeat(32) } },
    { runId, kind: 'contract', payload: { id: 'customers', version: '1.2.0' } },
    { runId, kind: 'stage', payload: { stage: 'validate', failing: 4 } },
    { runId, kind: 'route', payload: { fastLane: 6, quarantine: 4 } },
  ]);
  const cellChanges = sealChanges(log, runId, protector.protectChanges(changes, columnKinds));
  log.appendMany([
    { runId, kind: 'decision', payload: { proposal: 'r-zip-pad', decision: 'approved', by: 'analyst' } },
    { runId, kind: 'promote', payload: { rows: 3 } },
    { runId, kind: 'reconcile', payload: { sourceRows: 10, successRows: 9, quarantineRows: 1, duplicateRows: 0 } },
  ]);

  const clean = join(workspace, 'out', 'clean.csv');
  writeFileSync(clean, 'id,phone,zip,_airlock_row_id\n1,2053258100,35233,1\n2,2053258100,03523,2\n');
  const quarantine = join(workspace, 'out', 'quarantine.csv');
  writeFileSync(quarantine, 'id,phone,zip,_airlock_row_id,_airlock_reasons\n9,205325810,3523x,9,zip:PATTERN_MISMATCH\n');
  const contractYaml = opts.contractYaml ?? CONTRACT_YAML;

  const input: BundleInput = {
    runSummary: {
      runId, status: 'completed', sourceRows: 10, successRows: 9, quarantineRows: 1, fastLaneRows: 6, remediatedRows: 3, duplicateRows: 0,
      clusters: 2, modelCalls: 1, reconciled: true,
      gates: [{ name: 'zip.invalidValues#0', metric: 'invalidValues', value: 1, passed: true }],
      timingsMs: { ingest: 12, validate: 30, remediate: 80, promote: 9 },
      ...opts.summary,
    },
    reconciliation: [
      { stage: 'route', sourceRows: 10, successRows: 6, quarantineRows: 4, duplicateRows: 0, ok: true },
      { stage: 'promote', sourceRows: 10, successRows: 9, quarantineRows: 1, duplicateRows: 0, ok: true },
    ],
    gates: [
      { name: 'zip.invalidValues#0', metric: 'invalidValues', value: 1, passed: true },
      { name: 'table.rowCount#0', metric: 'rowCount', value: 10, passed: true },
    ],
    contractYaml,
    contractSignature: sha256('id:integer,phone:string,zip:string'),
    contractSha256: sha256(contractYaml),
    recipe: {
      rules: opts.rules ?? [
        asRecipe({ id: 'r-zip-pad', column: 'zip', set: { zip: "lpad(zip, 5, '0')" }, where: "length(zip) = 4", proposer: 'synth:pad', confidence: 0.97, coverage: 1, approver: 'analyst', patternType: 'pad', reasoning: 'Four-digit zips lost their leading zero.' }),
      ],
    },
    auditEntries: log.entries(runId),
    cellChanges,
    models: [{ role: 'llm', file: 'tiny.gguf', bytes: 1234567, sha256: 'cd'.repeat(32) }],
    runtime: { airlock: '0.1.0', duckdb: '1.5.6', node: process.version, llamaCpp: 'b6000' },
    inputs: [{ name: 'customers.csv', bytes: 512, sha256: 'ab'.repeat(32) }],
    outputs: [
      { path: clean, name: 'clean.csv', rows: 9 },
      { path: quarantine, name: 'quarantine.csv', rows: 1 },
    ],
    failures: opts.failures ?? [
      { column: 'zip', reason: 'PATTERN_MISMATCH', count: 3 },
      { column: 'phone', reason: 'PATTERN_MISMATCH', count: 1 },
    ],
    clusters: opts.clusters ?? [
      { id: 'c1', column: 'zip', reason: 'PATTERN_MISMATCH', size: 3, samples: [{ value: '3523', count: 2 }, { value: '1234', count: 1 }], rule: 'r-zip-pad', status: 'applied' },
    ],
    piiValues: new Map(
      (opts.piiClear ?? ['205-325-8100', '2053258100', '205325810'])
        .map((v): [string, PiiKind] => (typeof v === 'string' ? [v, 'phone'] : v))
        .map(([v, kind]) => [v, protector.token(v, kind)]),
    ),
    includePii: opts.includePii ?? false,
    keysDir,
  };
  return { input, db, protector, log, workspace };
}

/** Every file of a written bundle folder, by name. */
export function readBundleFiles(dir: string, names: string[]): Map<string, string> {
  return new Map(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}
