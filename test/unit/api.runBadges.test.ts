// runBadges: one verdict per run and per stage, shared by the Run screen and the signed report.
import { describe, expect, it } from 'vitest';
import { runBadges, stageBadge } from '../../main/api/runBadges.js';
import type { Reconciliation, RunSummary } from '../../main/pipeline/types.js';

const stage = (name: string, source: number, success: number, quarantine: number, duplicates: number, pending = 0, ok = true): Reconciliation =>
  ({ stage: name, sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending, ok });

function summary(over: Partial<RunSummary>): RunSummary {
  return {
    runId: 'run_20261201T1200_abcdef', status: 'completed',
    sourceRows: 1000, successRows: 602, quarantineRows: 398, fastLaneRows: 602, remediatedRows: 0, duplicateRows: 0, malformedRows: 0, pendingRows: 0,
    clusters: 0, proposals: 0, modelCalls: 0, reconciled: true, gates: [],
    timingsMs: { ingest: 1, validate: 1, remediate: 1, promote: 1, total: 4 },
    reconciliation: [stage('route', 1000, 0, 398, 0, 602), stage('promote', 1000, 602, 398, 0), stage('final', 1000, 602, 398, 0)],
    contract: { id: 'h', version: '1.0.0', signature: 's', sha256: 'x', table: 'h' },
    input: { name: 'dirty.csv', sha256: 'y', bytes: 10, format: 'csv' },
    ...over,
  };
}

describe('stageBadge', () => {
  it('counts pending rows: a held batch\'s route stage balances (B7)', () => {
    const b = stageBadge(stage('route', 1000, 0, 398, 0, 602));
    expect(b).toMatchObject({ balanced: true, label: 'balanced', tone: 'green', equation: '1,000 = 0 + 398 + 0 + 602' });
  });

  it('is broken when the numbers do not add up, even if the engine said ok', () => {
    expect(stageBadge(stage('ingest', 1000, 5, 0, 0, 0, true))).toMatchObject({ balanced: false, label: 'broken', tone: 'red', equation: '1,000 ≠ 5 + 0 + 0 + 0' });
  });

  it('is broken when the engine said not ok, even if the numbers add up', () => {
    expect(stageBadge(stage('ingest', 5, 5, 0, 0, 0, false)).balanced).toBe(false);
  });

  it('treats a stage written before pending rows were recorded as having none', () => {
    const old = { stage: 'route', sourceRows: 10, successRows: 7, quarantineRows: 3, duplicateRows: 0, ok: true } as Reconciliation;
    expect(stageBadge(old)).toMatchObject({ pendingRows: 0, balanced: true });
  });
});

describe('runBadges', () => {
  it('a completed run with rows in quarantine says how many, and is not green', () => {
    const b = runBadges(summary({}));
    expect(b).toMatchObject({ state: 'completed-with-quarantine', tone: 'gold', reconciled: true, brokenStage: null, headline: 'Completed with 398 rows in quarantine: 602 of 1,000 rows are in production' });
    expect(b.detail).toMatch(/^398 rows wait in Quarantine and Review/);
    expect(b.stages.map((s) => s.label)).toEqual(['balanced', 'balanced', 'balanced']);
  });

  it('a completed run with every row in production is green', () => {
    const b = runBadges(summary({ successRows: 1000, quarantineRows: 0, reconciliation: [stage('final', 1000, 1000, 0, 0)] }));
    expect(b).toMatchObject({ state: 'completed', tone: 'green', reconciled: true, headline: 'Completed: all 1,000 clean rows are in production' });
  });

  it('a held batch with pending rows balances at every stage and is amber, not broken', () => {
    const b = runBadges(summary({ status: 'held', successRows: 0, pendingRows: 602, reconciliation: [stage('route', 1000, 0, 398, 0, 602), stage('final', 1000, 0, 398, 0, 602)] }));
    expect(b).toMatchObject({ state: 'held', tone: 'amber', reconciled: true });
    expect(b.stages.every((s) => s.balanced)).toBe(true);
    expect(b.detail).toContain('602 rows wait');
  });

  it('a Sev-1 (status failed) is red and names the broken stage\'s numbers, pending included', () => {
    const b = runBadges(summary({
      status: 'failed', reconciled: false, sourceRows: 1000, successRows: 0, quarantineRows: 0, duplicateRows: 0,
      reconciliation: [stage('ingest', 1000, 0, 0, 0, 5, false)],
    }));
    expect(b).toMatchObject({ state: 'sev1', tone: 'red', reconciled: false, brokenStage: 'ingest' });
    expect(b.headline).toBe('Failed (Sev-1): the rows do not add up after ingest');
    expect(b.detail).toBe('source 1,000, success 0, quarantine 0, duplicates 0, pending 5: 1,000 ≠ 0 + 0 + 0 + 5 (source = success + quarantine + duplicates + pending)');
    expect(b.headline).not.toMatch(/Completed/);
  });

  it('status "completed" with reconciled false is a Sev-1, never Completed', () => {
    const b = runBadges(summary({ reconciled: false, successRows: 5, quarantineRows: 0, reconciliation: [stage('final', 1000, 5, 0, 0, 0, false)] }));
    expect(b.state).toBe('sev1');
    expect(b.tone).toBe('red');
    expect(b.headline).not.toMatch(/Completed/);
    expect(b.counts).toMatchObject({ sourceRows: 1000, successRows: 5 });
  });

  it('totals that do not add up are a Sev-1 even when every flag says reconciled', () => {
    const b = runBadges(summary({ successRows: 5, quarantineRows: 0, reconciliation: [] }));
    expect(b).toMatchObject({ state: 'sev1', reconciled: false, brokenStage: null });
    expect(b.detail).toContain('1,000 ≠ 5 + 0 + 0 + 0');
  });

  it('a broken stage makes the run a Sev-1 even if the final counts close', () => {
    const b = runBadges(summary({ reconciliation: [stage('route', 1000, 0, 390, 0, 602), stage('final', 1000, 602, 398, 0)] }));
    expect(b).toMatchObject({ state: 'sev1', brokenStage: 'route' });
  });

  it('a drift halt is its own state: nothing promoted, the rows pending', () => {
    const b = runBadges(summary({ status: 'halted', successRows: 0, quarantineRows: 0, pendingRows: 1000, reconciliation: [] }));
    expect(b).toMatchObject({ state: 'halted', tone: 'violet', reconciled: true, headline: 'Halted: the file does not match the contract' });
    expect(b.detail).toContain('1,000 rows wait in the vault');
  });

  it('a re-drop of a processed file says so, naming the earlier run', () => {
    const b = runBadges(summary({ idempotent: true, previousRunId: 'run_20261130T0900_123456' }));
    expect(b).toMatchObject({ state: 'already-processed', tone: 'blue', headline: 'Already processed by run_20261130T0900_123456: not run again' });
    expect(b.detail).toBe('This file was run before with this contract version. That run: Completed with 398 rows in quarantine: 602 of 1,000 rows are in production');
  });

  it('a re-drop of a run whose accounting did not close is still a Sev-1', () => {
    expect(runBadges(summary({ idempotent: true, reconciled: false })).state).toBe('sev1');
  });

  it('a run killed or cancelled before any stage reconciled is interrupted, not a Sev-1', () => {
    // The summary recovery writes for such a run, as getRun completes it.
    const b = runBadges(summary({ status: 'failed', reconciled: false, sourceRows: 0, successRows: 0, quarantineRows: 0, reconciliation: [], message: 'interrupted; its writes were undone' }));
    expect(b).toMatchObject({ state: 'interrupted', tone: 'grey', reconciled: false });
    expect(b.headline).toMatch(/^Interrupted/);
    // Recorded as cancelled, the same stub is its own state; one stopped by an error says so.
    const cancelled = runBadges(summary({ status: 'failed', reconciled: false, sourceRows: 0, successRows: 0, quarantineRows: 0, reconciliation: [], ended: 'cancelled' }));
    expect(cancelled).toMatchObject({ state: 'cancelled', tone: 'slate', reconciled: false, headline: 'Cancelled: nothing from this run was kept' });
    const error = runBadges(summary({ status: 'failed', reconciled: false, sourceRows: 0, successRows: 0, quarantineRows: 0, reconciliation: [], ended: 'error', message: 'failed and undone: disk full' }));
    expect(error).toMatchObject({ state: 'interrupted', headline: 'Stopped by an error: the run did not finish, and everything it wrote was undone' });
    expect(error.detail).toContain('(failed and undone: disk full)');
    // A failure that did reconcile a stage and broke stays a Sev-1.
    expect(runBadges(summary({ status: 'failed', reconciled: false, reconciliation: [stage('ingest', 10, 0, 0, 0, 5, false)] })).state).toBe('sev1');
  });

  it('a run still going has no verdict yet, not a Sev-1', () => {
    expect(runBadges(summary({ status: 'running', reconciled: false, reconciliation: [] }))).toMatchObject({ state: 'running', tone: 'blue' });
  });

  it('a rejected batch is grey; an unknown status is not taken as success', () => {
    expect(runBadges(summary({ status: 'rejected', successRows: 0, quarantineRows: 1000, reconciliation: [] }))).toMatchObject({ state: 'rejected', tone: 'grey' });
    expect(runBadges(summary({ status: 'exploded' as RunSummary['status'] }))).toMatchObject({ state: 'sev1', reconciled: false });
  });
});
