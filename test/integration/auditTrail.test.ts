// The audit trail of a real run (the hospital benchmark, --approve-all, no model): the hash chain
// verifies, and editing one entry in SQLite is caught and named by its seq; each rule application
// is one cell_changes entry whose Merkle root (computed in DuckDB) matches its cells; personal
// data (the hospital phone column, marked pii) appears in the audited cells only as keyed tokens;
// the exported bundle verifies, and an altered, removed or added shipped change fails naming its rule.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry, type CellChange } from '../../main/audit/log.js';
import { cellProof, changesRoot, MERKLE_SPEC, verifyCellProof, type LeafChange } from '../../main/audit/merkle.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { queryRows } from '../../main/store/duckdb.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { auditTableChanges } from '../../main/pipeline/auditChanges.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { count, parseCsv } from '../helpers/fixtures.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const DIRTY = join(SHARED, 'bench', 'hospital', 'dirty.csv');
const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const FIELDS = ['seq', 'row_id', 'column', 'old', 'new', 'reason', 'confidence', 'rule', 'proposer', 'ts'].sort();

let dir: string;
let engine: Engine;
let summary: RunSummary;
let cellChanges: AuditEntry[];
/** the audited cells, as the bundle ships them */
let cells: Array<LeafChange & { seq: number }>;

beforeAll(async () => {
  dir = tempDir('audit');
  engine = await openEngine(join(dir, 'ws'), [join(dir, 'export'), stagingDirFor(join(dir, 'export'))]);
  summary = await runBatch(engine, { file: DIRTY, contractPath: CONTRACT, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
  cellChanges = engine.audit.entries(summary.runId).filter((e) => e.kind === 'cell_changes');
  cells = (await queryRows<LeafChange & { seq: number }>(engine.duck.conn, `SELECT seq, row_id, "column", old_value AS old, new_value AS new, reason, rule, confidence, proposer, ts
    FROM prod."hospital__audit_cells" WHERE run_id = '${summary.runId}' ORDER BY seq, row_id, "column"`)).map((c) => ({ ...c, seq: Number(c.seq), row_id: Number(c.row_id) }));
});

afterAll(() => engine?.close());

describe('the hash chain', () => {
  it('verifies over the whole log', () => {
    expect(summary.status).toBe('completed');
    const verdict = engine.audit.verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.entries).toBe(engine.audit.entries().length);
  });

  it('after one row is edited in SQLite (UPDATE payload), verification fails and names that seq', () => {
    const copy = join(dir, 'tampered.sqlite');
    engine.sqlite.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`);
    const db = openSqlite(copy);
    try {
      const victim = cellChanges[Math.floor(cellChanges.length / 2)];
      const payload = { ...victim.payload, cells: Number(victim.payload.cells) - 1 };
      const changed = db.prepare('UPDATE audit SET payload = ? WHERE seq = ?').run(JSON.stringify(payload), victim.seq);
      expect(changed.changes).toBe(1);
      const verdict = new AuditLog(db).verify();
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.seq).toBe(victim.seq);
      expect(verdict.reason).toContain(String(victim.seq));
    } finally {
      db.close();
    }
  });
});

describe('cell changes', () => {
  const of = (e: AuditEntry) => cells.filter((c) => c.seq === e.seq);

  it('one cell_changes entry per rule application seals every changed cell of the change table', async () => {
    expect(cellChanges.length).toBeGreaterThan(0);
    const total = await count(engine, `SELECT count(*) FROM prod."hospital__changes" WHERE run_id = '${summary.runId}'`);
    expect(cells.length).toBe(total);
    expect(cellChanges.reduce((n, e) => n + Number(e.payload.cells), 0)).toBe(total);
    // fewer entries than cells: the chain no longer grows by one line per cell
    expect(cellChanges.length).toBeLessThan(total);
    const applications = await count(engine, `SELECT count(*) FROM (SELECT DISTINCT rule, proposer, ts FROM prod."hospital__changes" WHERE run_id = '${summary.runId}')`);
    expect(cellChanges.length).toBe(applications);
  });

  it("each entry's root, computed in DuckDB, is the root of its cells recomputed in JavaScript", () => {
    for (const e of cellChanges) {
      expect(e).toMatchObject({ run_id: summary.runId, payload: { cells: of(e).length, merkle: MERKLE_SPEC } });
      expect(e.payload.merkle_root, `rule ${String(e.payload.rule)}`).toBe(changesRoot(of(e)));
      expect(new Set(of(e).map((c) => c.rule))).toEqual(new Set([e.payload.rule]));
    }
  });

  it('a cell proves against its entry, and the same cell altered does not', () => {
    const e = cellChanges.reduce((a, b) => (Number(b.payload.cells) > Number(a.payload.cells) ? b : a));
    const c = of(e)[Math.floor(of(e).length / 2)];
    const proof = cellProof(of(e), c.row_id, c.column);
    expect(verifyCellProof(c, proof.path, e)).toBe(true);
    expect(verifyCellProof({ ...c, new: `${c.new ?? ''}!` }, proof.path, e)).toBe(false);
  });

  it('every audited cell carries all its fields and names an approved and applied rule of this run', () => {
    const header = parseCsv(readFileSync(DIRTY, 'utf8')).header;
    const applied = new Set((engine.sqlite.prepare(`SELECT proposal_id FROM proposals WHERE run_id = ? AND status = 'applied'`).all(summary.runId) as { proposal_id: string }[]).map((p) => p.proposal_id));
    expect(applied.size).toBeGreaterThan(0);
    for (const c of cells) {
      expect(Object.keys(c).sort(), JSON.stringify(c)).toEqual(FIELDS);
      expect(Number.isInteger(c.row_id) && c.row_id >= 1 && c.row_id <= summary.sourceRows).toBe(true);
      expect(header).toContain(c.column);
      expect(c.old).not.toBe(c.new);
      expect(c.reason).toMatch(/^[A-Z_+]+$/);
      expect(Number(c.confidence)).toBeGreaterThanOrEqual(0);
      expect(Number(c.confidence)).toBeLessThanOrEqual(1);
      expect(c.proposer!.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(c.ts!))).toBe(false);
    }
    const unknown = cells.map((c) => String(c.rule)).filter((rule) => rule !== 'missing-token-to-null' && !applied.has(rule));
    expect(unknown.slice(0, 5)).toEqual([]);
  });

  it('a rule id survives PII protection even when the run id\'s timestamp digits pass the Luhn check', () => {
    // run ids are run_<yyyymmddhhmmss>_<hex>; 14 digits that pass Luhn look like a card number.
    const stamp = '20261130133444';
    const luhn = [...stamp].reverse().reduce((s, ch, i) => {
      let d = Number(ch) * (i % 2 ? 2 : 1);
      if (d > 9) d -= 9;
      return s + d;
    }, 0);
    expect(luhn % 10).toBe(0);
    const rule = `run_${stamp}_ce3958:c_bad0d3cede:2`;
    const change: CellChange = { row_id: 4, column: 'city', old: 'birminghxm', new: 'birmingham', reason: 'FD_VIOLATION', confidence: 0.95, rule, version: 'synth:fd-agreed-value', timestamp: new Date().toISOString() };
    expect(engine.protect(change).rule).toBe(rule);
    // the cell_changes entry's own identifiers go through the same known-values-only scrub
    expect(engine.pii.protectIdentifiers({ rule, proposer: 'synth:fd-agreed-value' })).toEqual({ rule, proposer: 'synth:fd-agreed-value' });
  });
});

describe('personal data in the audit trail', () => {
  it('hospital phone values appear in the audited cells only as pii:phone tokens, which the workspace resolves', () => {
    const phones = cells.filter((c) => c.column === 'phone');
    expect(phones.length).toBeGreaterThan(0);
    for (const c of phones) for (const v of [c.old, c.new]) if (v !== null && v.trim() !== '') expect(v).toMatch(/^pii:phone:[0-9a-f]{16}$/);
    const token = phones.find((c) => c.old !== null && c.old.startsWith('pii:'))!.old!;
    expect(engine.pii.resolve(token)).not.toBeNull();
  });

  it('no clear phone number from the input appears in the chain or in an audited cell', () => {
    const { header, rows } = parseCsv(readFileSync(DIRTY, 'utf8'));
    const col = header.indexOf('phone');
    const clear = new Set(rows.map((r) => r[col]).filter((p) => p.length >= 7));
    expect(clear.size).toBeGreaterThan(10);
    const texts = [...engine.audit.entries(summary.runId).map((e) => JSON.stringify(e.payload)), ...cells.map((c) => JSON.stringify(c))];
    const leaks = texts.filter((text) => [...clear].some((p) => text.includes(p)));
    expect(leaks.slice(0, 3)).toEqual([]);
  });
});

describe('the bundle proves every shipped change', () => {
  let out: string;
  let shipped: string;
  beforeAll(async () => {
    out = join(dir, 'export');
    await exportRun(engine, { runId: summary.runId, outDir: out, format: 'csv' });
    shipped = readFileSync(join(out, 'bundle', 'changes.jsonl'), 'utf8');
  });

  it('verifies as exported, counting the cell changes it re-hashed', async () => {
    const v = await verifyBundle(out);
    expect(v.verdict).toMatch(new RegExp(`${cells.length} cell changes matching their rules' Merkle roots`));
    expect(v.ok).toBe(true);
  });

  it('fails naming the rule when one shipped change is altered, removed or added', async () => {
    const lines = shipped.trimEnd().split('\n');
    const k = Math.floor(lines.length / 2);
    const victim = JSON.parse(lines[k]) as LeafChange & { seq: number };
    const rule = JSON.stringify(victim.rule);
    const edits: Array<[string, string[]]> = [
      ['altered', lines.map((l, i) => (i === k ? JSON.stringify({ ...victim, new: `${victim.new ?? ''}0` }) : l))],
      ['altered reason', lines.map((l, i) => (i === k ? JSON.stringify({ ...victim, reason: 'FIXED' }) : l))],
      ['removed', lines.filter((_, i) => i !== k)],
      ['added', [...lines, JSON.stringify({ ...victim, row_id: victim.row_id + 100_000 })]],
    ];
    for (const [edit, edited] of edits) {
      const copy = join(dir, `tampered-${edit.replace(' ', '-')}`);
      cpSync(out, copy, { recursive: true });
      writeFileSync(join(copy, 'bundle', 'changes.jsonl'), `${edited.join('\n')}\n`);
      const v = await verifyBundle(join(copy, 'bundle'));
      expect(v, edit).toMatchObject({ ok: false, culprit: 'changes.jsonl' });
      expect(v.verdict, edit).toContain(`rule ${rule} (audit seq ${victim.seq})`);
    }
    // the untouched export still verifies
    expect((await verifyBundle(out)).ok).toBe(true);
  });
});

describe('a rule application sealed in a SQLite transaction that rolls back', () => {
  it('leaves no orphan cells behind to join the entry that takes its seq next', async () => {
    const contract = loadContractFile(CONTRACT);
    const st = streamTables(contract);
    const victim = cellChanges[0];
    const filter = { rule: String(victim.payload.rule), ts: String(victim.payload.ts) };
    // A durable job's step: the audit is written inside the step's SQLite transaction, and the
    // process stops before COMMIT (here: a ROLLBACK). The DuckDB insert of the cells stays.
    engine.sqlite.exec('BEGIN IMMEDIATE');
    await auditTableChanges(engine, contract, summary.runId, st, undefined, [filter.rule], filter.ts);
    engine.sqlite.exec('ROLLBACK');
    // The resume records the step again: a new entry, at the seq the rolled-back one had.
    const sealed = await auditTableChanges(engine, contract, summary.runId, st, undefined, [filter.rule], filter.ts);
    const entry = engine.audit.entries(summary.runId).filter((e) => e.kind === 'cell_changes').at(-1)!;
    expect(entry.payload.cells).toBe(sealed);
    const stored = await queryRows<LeafChange>(engine.duck.conn, `SELECT row_id, "column", old_value AS old, new_value AS new, reason, rule, confidence, proposer, ts
      FROM ${st.auditCells} WHERE seq = ${entry.seq}`);
    expect(stored.length).toBe(sealed);
    expect(changesRoot(stored.map((c) => ({ ...c, row_id: Number(c.row_id) })))).toBe(entry.payload.merkle_root);
    expect(engine.audit.verify().ok).toBe(true);
  });
});

describe('a rolled-back rule application resumed after another audit entry', () => {
  it('leaves no orphan cell at a seq that is no cell_changes entry (the job\'s "resumed" entry takes it first)', async () => {
    const contract = loadContractFile(CONTRACT);
    const st = streamTables(contract);
    const victim = cellChanges[0];
    const filter = { rule: String(victim.payload.rule), ts: String(victim.payload.ts) };
    // A durable job's step killed before its SQLite COMMIT: the DuckDB insert of the cells stays.
    engine.sqlite.exec('BEGIN IMMEDIATE');
    await auditTableChanges(engine, contract, summary.runId, st, undefined, [filter.rule], filter.ts);
    engine.sqlite.exec('ROLLBACK');
    // runRemediationJob appends its 'remediation-job resumed' entry before the step is recorded
    // again from its marker: that entry takes the seq the rolled-back cell_changes entry had.
    engine.audit.append({ runId: summary.runId, kind: 'stage', payload: { stage: 'remediation-job', event: 'resumed' } });
    await auditTableChanges(engine, contract, summary.runId, st, undefined, [filter.rule], filter.ts);
    const sealedSeqs = new Set(engine.audit.entries(summary.runId).filter((e) => e.kind === 'cell_changes').map((e) => e.seq));
    const cellSeqs = await queryRows<{ seq: number | bigint }>(engine.duck.conn, `SELECT DISTINCT seq FROM ${st.auditCells} WHERE run_id = '${summary.runId}'`);
    expect(cellSeqs.map((r) => Number(r.seq)).filter((s) => !sealedSeqs.has(s))).toEqual([]);
  });
});
