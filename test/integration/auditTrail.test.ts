// The audit trail of a real run (the hospital benchmark, --approve-all, no model): the hash chain
// verifies, and editing one entry in SQLite is caught and named by its seq; every approved cell
// change carries all its fields and points at the rule that made it; personal data (the hospital
// phone column, marked pii) appears in cell changes only as keyed tokens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry, type CellChange } from '../../main/audit/log.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { count, parseCsv } from '../helpers/fixtures.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const DIRTY = join(SHARED, 'bench', 'hospital', 'dirty.csv');
const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const FIELDS = ['row_id', 'column', 'old', 'new', 'reason', 'confidence', 'rule', 'version', 'timestamp'].sort();

let dir: string;
let engine: Engine;
let summary: RunSummary;
let cellChanges: AuditEntry[];

beforeAll(async () => {
  dir = tempDir('audit');
  engine = await openEngine(join(dir, 'ws'));
  summary = await runBatch(engine, { file: DIRTY, contractPath: CONTRACT, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
  cellChanges = engine.audit.entries(summary.runId).filter((e) => e.kind === 'cell_change');
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
      const payload = { ...victim.payload, new: 'a quietly different value' };
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
  it('there is one entry per changed cell in the change table', async () => {
    expect(cellChanges.length).toBeGreaterThan(0);
    expect(cellChanges.length).toBe(await count(engine, `SELECT count(*) FROM prod."hospital__changes" WHERE run_id = '${summary.runId}'`));
  });

  it('every entry carries row_id, column, old, new, reason, confidence, rule, version, timestamp', () => {
    const header = parseCsv(readFileSync(DIRTY, 'utf8')).header;
    for (const e of cellChanges) {
      const c = e.payload as unknown as CellChange;
      expect(Object.keys(c).sort(), JSON.stringify(c)).toEqual(FIELDS);
      expect(Number.isInteger(c.row_id) && c.row_id >= 1 && c.row_id <= summary.sourceRows).toBe(true);
      expect(header).toContain(c.column);
      expect(c.old === null || typeof c.old === 'string').toBe(true);
      expect(c.new === null || typeof c.new === 'string').toBe(true);
      expect(c.old).not.toBe(c.new);
      expect(c.reason).toMatch(/^[A-Z_+]+$/);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
      expect(c.rule.length).toBeGreaterThan(0);
      expect(c.version.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(c.timestamp))).toBe(false);
    }
  });

  it('every entry names an approved and applied rule of this run', () => {
    const applied = new Set((engine.sqlite.prepare(`SELECT proposal_id FROM proposals WHERE run_id = ? AND status = 'applied'`).all(summary.runId) as { proposal_id: string }[]).map((p) => p.proposal_id));
    expect(applied.size).toBeGreaterThan(0);
    const unknown = cellChanges.map((e) => String(e.payload.rule)).filter((rule) => rule !== 'missing-token-to-null' && !applied.has(rule));
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
  });
});

describe('personal data in the audit log', () => {
  it('hospital phone values appear in cell changes only as pii:phone tokens', () => {
    const phones = cellChanges.filter((e) => e.payload.column === 'phone');
    expect(phones.length).toBeGreaterThan(0);
    for (const e of phones) {
      for (const v of [e.payload.old, e.payload.new]) if (v !== null) expect(v).toMatch(/^pii:phone:[0-9a-f]{16}$/);
    }
  });

  it('no clear phone number from the input appears anywhere in a cell change', () => {
    const { header, rows } = parseCsv(readFileSync(DIRTY, 'utf8'));
    const col = header.indexOf('phone');
    const clear = new Set(rows.map((r) => r[col]).filter((p) => p.length >= 7));
    expect(clear.size).toBeGreaterThan(10);
    const leaks = cellChanges.map((e) => JSON.stringify(e.payload)).filter((text) => [...clear].some((p) => text.includes(p)));
    expect(leaks.slice(0, 3)).toEqual([]);
  });
});
