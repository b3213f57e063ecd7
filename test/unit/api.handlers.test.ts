// The handler table over a real workspace, as the app's engine process and the e2e bridge serve
// it: a run with progress, the grid's pages and facets, review decisions and promotion, export
// with a verified bundle, the audit chain, cancellation, and errors returned as data.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, RunProgress, RunSummary } from '../../main/api/contract.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');

let dir: string;
let h: Handlers;
let small: string;
const events: RunProgress[] = [];
let onEvent: ((p: RunProgress) => void) | null = null;
let run: RunSummary;

function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  dir = tempDir('api-handlers');
  // The first 120 records of the hospital table: every kind of failure, in seconds.
  small = join(dir, 'hospital-120.csv');
  writeFileSync(small, readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n').slice(0, 121).join('\n'));
  h = createHandlers({
    workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'unit-analyst', version: 'test',
    emit: (name, p) => { if (name === 'progress' && 'stage' in p) { events.push(p); onEvent?.(p); } },
  });
  run = value(await h.table.runFile({ file: small, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false }));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('runFile', () => {
  it('runs and reconciles, reporting progress per stage with a rate', () => {
    expect(run.status).toBe('completed');
    expect(run.sourceRows).toBe(120);
    expect(run.successRows + run.quarantineRows + run.duplicateRows).toBe(120);
    const stages = new Set(events.map((e) => e.stage));
    for (const s of ['ingest', 'validate', 'cluster', 'propose']) expect(stages, s).toContain(s);
    const validated = events.find((e) => e.stage === 'validate' && e.done === e.total && e.total > 0)!;
    expect(validated).toMatchObject({ unit: 'rows', runId: run.runId, etaMs: 0 });
    expect(validated.perSecond).toBeGreaterThan(0);
  });

  it('lists the run and gives its detail', async () => {
    const runs = value(await h.table.listRuns({}));
    expect(runs[0]).toMatchObject({ runId: run.runId, status: 'completed', reconciled: true, sourceRows: 120 });
    const detail = value(await h.table.getRun({ runId: run.runId }));
    expect(detail.summary.runId).toBe(run.runId);
    expect(detail.inputPath).toBe(small);
  });
});

describe('the quarantine grid', () => {
  it('pages rows in row order with their reasons, and facets that agree with the pages', async () => {
    const page = value(await h.table.quarantinePage({ runId: run.runId, offset: 0, limit: 10, filter: {} }));
    expect(page.total).toBe(run.quarantineRows);
    expect(page.columns).toHaveLength(20);
    expect(page.rows).toHaveLength(10);
    expect(page.rows.map((r) => r.rowId)).toEqual([...page.rows.map((r) => r.rowId)].sort((a, b) => a - b));
    for (const r of page.rows) expect(r.reasons.length).toBeGreaterThan(0);
    const next = value(await h.table.quarantinePage({ runId: run.runId, offset: 10, limit: 10, filter: {} }));
    expect(next.rows[0].rowId).toBeGreaterThan(page.rows[9].rowId);

    const facets = value(await h.table.quarantineFacets({ runId: run.runId, filter: {} }));
    expect(facets.totalRows).toBe(run.quarantineRows);
    const pair = facets.byColumnReason[0];
    const filtered = value(await h.table.quarantinePage({ runId: run.runId, offset: 0, limit: 1000, filter: { column: pair.column, reason: pair.reason } }));
    // One token per column and reason per row: the pair's cell count is its row count.
    expect(filtered.total).toBe(pair.count);
    for (const r of filtered.rows) expect(r.reasons).toContainEqual({ column: pair.column, reason: pair.reason });
  });

  it('searches text anywhere in the row, and matches a column name literally', async () => {
    const hits = value(await h.table.quarantinePage({ runId: run.runId, offset: 0, limit: 1000, filter: { search: 'BIRMINGHAM' } }));
    expect(hits.total).toBeGreaterThan(0);
    for (const r of hits.rows) expect(r.values.join(' ').toLowerCase()).toContain('birmingham');
    // `_` is a LIKE wildcard; the filter must not treat it as one.
    const none = value(await h.table.quarantinePage({ runId: run.runId, offset: 0, limit: 10, filter: { column: 'address_' } }));
    expect(none.total).toBe(0);
  });
});

describe('review', () => {
  it('lists patterns largest first; approving and promoting moves rows to production', async () => {
    const state = value(await h.table.reviewState({ runId: run.runId }));
    const sizes = state.clusters.map((c) => c.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const target = state.clusters.find((c) => c.proposal?.status === 'verified')!;
    const diff = value(await h.table.previewProposal({ runId: run.runId, proposalId: target.proposal!.id }));
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.some((d) => d.before !== d.after)).toBe(true);

    const decided = value(await h.table.decideProposal({ runId: run.runId, proposalId: target.proposal!.id, decision: 'approve' }));
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'unit-analyst' });
    const promoted = value(await h.table.promoteReviewed({ runId: run.runId }));
    expect(promoted.successRows).toBeGreaterThan(run.successRows);
    expect(promoted.reconciled).toBe(true);
    expect(promoted.successRows + promoted.quarantineRows + promoted.duplicateRows).toBe(120);
  });

  it('checks a rule live in the sandbox, refusing what could reach outside', async () => {
    expect(value(await h.table.checkRule({ runId: run.runId, set: { city: 'upper(city)' } }))).toEqual({ ok: true });
    const bad = value(await h.table.checkRule({ runId: run.runId, set: { city: "read_csv('/etc/passwd')" } }));
    expect(bad.ok).toBe(false);
    expect(bad.reason).toMatch(/read_csv/);
  });
});

describe('export and audit', () => {
  it('exports into the workspace and verifies the signed bundle', async () => {
    const ex = value(await h.table.exportRun({ runId: run.runId, format: 'parquet', includePii: false }));
    expect(ex.files.map((f) => f.name)).toEqual(['clean.parquet', 'quarantine.csv']);
    expect(ex.verification.ok).toBe(true);
    expect(ex.verification.verdict).toMatch(/^OK: /);
    const again = value(await h.table.verifyBundle({ path: ex.archive }));
    expect(again.ok).toBe(true);
  });

  it('returns the audit trail with the chain verified', async () => {
    const audit = value(await h.table.auditLog({ runId: run.runId, limit: 5 }));
    expect(audit.chain.ok).toBe(true);
    expect(audit.entries).toHaveLength(5);
    expect(audit.truncated).toBe(true);
    expect(audit.counts.decision).toBe(1);
    expect(audit.counts.export).toBe(1);
    expect(audit.entries[0].summary).toMatch(/^Stored hospital-120\.csv in the vault/);
  });
});

describe('errors come back as data the analyst can act on', () => {
  it('names the missing file, the bad field, the unknown run', async () => {
    const missing = await h.table.runFile({ file: join(dir, 'gone.csv'), contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
    expect(missing).toEqual({ ok: false, error: { code: 'USER', file: join(dir, 'gone.csv'), message: `${join(dir, 'gone.csv')}: no such input file. It may have been moved or renamed; pick it again.` } });
    const bad = await h.table.exportRun({ runId: run.runId, format: 'xlsx', includePii: false });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'exportRun: format: must be one of csv, parquet' } });
    const unknown = await h.table.reviewState({ runId: 'run_nope' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'USER', message: expect.stringContaining('run_nope is not in this workspace') } });
    expect(await h.handle('openExternal', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('reports a contract mistake with its line', async () => {
    const r = await h.table.parseContractText({ yaml: 'kind: DataContract\nschema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: wat\n' });
    expect(r).toMatchObject({ ok: false, error: { code: 'USER', line: 6, message: expect.stringMatching(/^YAML:6: /) } });
  });
});

describe('cancelRun', () => {
  it('stops a run at its next progress report and undoes what it wrote', async () => {
    const before = value(await h.table.listRuns({}));
    // A different file (same rows, one more blank line) so the run is not an idempotent repeat.
    const copy = join(dir, 'hospital-120-again.csv');
    writeFileSync(copy, `${readFileSync(small, 'utf8')}\n`);
    expect(value(await h.table.cancelRun({}))).toEqual({ cancelling: false });
    onEvent = (p) => { if (p.stage === 'validate') void h.table.cancelRun({}); };
    const r = await h.table.runFile({ file: copy, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
    onEvent = null;
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringContaining('Everything it wrote was undone') } });
    const after = value(await h.table.listRuns({}));
    expect(after).toHaveLength(before.length + 1);
    // Recorded as a cancellation, not as a crash or a failure: the summary, the alert and the
    // audit say so, and the screens' state follows.
    expect(after[0]).toMatchObject({ status: 'failed', state: 'cancelled' });
    const detail = value(await h.table.getRun({ runId: after[0].runId }));
    expect(detail.summary.ended).toBe('cancelled');
    expect(detail.badges).toMatchObject({ state: 'cancelled', headline: 'Cancelled: nothing from this run was kept' });
    expect(detail.alerts.map((a) => a.code)).toEqual(['RUN_CANCELLED']);
    const audit = value(await h.table.auditLog({ runId: after[0].runId, limit: 100 }));
    expect(audit.entries.filter((e) => e.kind === 'stage' && e.summary === 'Cancelled run undone')).toHaveLength(1);
    expect(audit.entries.some((e) => e.summary === 'Interrupted run undone')).toBe(false);
    // Asked to export it anyway, the app is told why in its own words, with no command to type.
    const refused = await h.table.exportRun({ runId: after[0].runId, format: 'csv', includePii: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'USER', message: expect.stringContaining('was cancelled') } });
    expect(!refused.ok && refused.error.message).toMatch(/Pick a run that finished on the Start screen/);
    expect(!refused.ok && refused.error.message).not.toMatch(/--[a-z]|airlock [a-z]/);
    // The earlier run's production rows are untouched.
    const first = value(await h.table.getRun({ runId: run.runId }));
    expect(first.summary.successRows).toBeGreaterThan(run.successRows);
  });

  it('a cancelled run the app had to end by restarting the engine is still recorded as cancelled', async () => {
    // What such a run leaves: status running, a dead owner, and the cancel written down by
    // cancelRun (session.ts). A second, never-cancelled one is the control.
    const db = new Database(join(dir, 'ws', 'airlock.sqlite'));
    try {
      const copy = db.prepare(`INSERT INTO runs (run_id, contract_id, contract_version, contract_sha256, table_name, input_path, input_name, input_sha256, input_bytes, vault_path, status, replay_of, options_json, started_at)
        SELECT ?, contract_id, contract_version, contract_sha256, table_name, input_path, input_name, input_sha256, input_bytes, vault_path, 'running', NULL, ?, started_at FROM runs WHERE run_id = ?`);
      copy.run('run_killed_cancelled', JSON.stringify({ approval: { kind: 'none' }, contractPath: CONTRACT, pid: 0, cancelRequested: true }), run.runId);
      copy.run('run_killed_plain', JSON.stringify({ approval: { kind: 'none' }, contractPath: CONTRACT, pid: 0 }), run.runId);
    } finally {
      db.close();
    }
    // The next run undoes both before it starts (an idempotent repeat still recovers first).
    value(await h.table.runFile({ file: small, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false }));
    const cancelled = value(await h.table.getRun({ runId: 'run_killed_cancelled' }));
    const plain = value(await h.table.getRun({ runId: 'run_killed_plain' }));
    expect([cancelled.summary.ended, cancelled.badges.state, cancelled.alerts.map((a) => a.code)]).toEqual(['cancelled', 'cancelled', ['RUN_CANCELLED']]);
    expect([plain.summary.ended, plain.badges.state, plain.alerts.map((a) => a.code)]).toEqual(['interrupted', 'interrupted', ['RUN_INTERRUPTED']]);
  });
});
