// The run's states in words (runBadges): each way a run ends has its own state, look and
// sentence, and no summary, however odd, is called "Completed" when rows still wait in
// quarantine, when its counts do not add up, or when its status is not one the engine writes.
// The second half throws thousands of generated summaries at it (seeded, so a failure repeats).
import { describe, expect, it } from 'vitest';
import { adds, gateNeed, runBadges, STATE_LABEL, STATE_TONE, type RunState } from '../../main/api/runBadges.js';
import type { GateResult, Reconciliation, RunStatus, RunSummary } from '../../main/pipeline/types.js';
import { seeded, type Rng } from '../helpers/seeded.js';

const stage = (name: string, source: number, success: number, quarantine: number, duplicates: number, pending = 0, ok = true): Reconciliation =>
  ({ stage: name, sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending, ok });

function summary(over: Partial<RunSummary>): RunSummary {
  return {
    runId: 'run_20261201T1200_abcdef', status: 'completed',
    sourceRows: 10, successRows: 10, quarantineRows: 0, fastLaneRows: 10, remediatedRows: 0, duplicateRows: 0, malformedRows: 0, pendingRows: 0,
    clusters: 0, proposals: 0, modelCalls: 0, reconciled: true, gates: [],
    timingsMs: { ingest: 1, validate: 1, remediate: 1, promote: 1, total: 4 },
    reconciliation: [stage('final', 10, 10, 0, 0)],
    contract: { id: 'people', version: '1.0.0', signature: 's', sha256: 'x', table: 'people' },
    input: { name: 'people.csv', sha256: 'y', bytes: 10, format: 'csv' },
    ...over,
  };
}

const gate = (over: Partial<GateResult>): GateResult =>
  ({ name: 'rowCount', metric: 'rowCount', value: 10, unit: 'rows', operator: 'mustBeGreaterThan', threshold: 1_000_000, passed: false, ...over });

describe('each state has its own words', () => {
  it('completed: every row in production', () => {
    const b = runBadges(summary({}));
    expect(b).toMatchObject({ state: 'completed', tone: 'green', headline: 'Completed: all 10 clean rows are in production' });
    const dup = runBadges(summary({ successRows: 8, duplicateRows: 2, reconciliation: [stage('final', 10, 8, 0, 2)] }));
    expect(dup.headline).toBe('Completed: all 8 clean rows are in production; 2 exact duplicate rows set aside');
  });

  it('completed with rows in quarantine: how many, and where they wait', () => {
    const b = runBadges(summary({ successRows: 8, quarantineRows: 2, proposals: 1, waitingForReview: 1, reconciliation: [stage('final', 10, 8, 2, 0)] }));
    expect(b).toMatchObject({ state: 'completed-with-quarantine', tone: 'gold', headline: 'Completed with 2 rows in quarantine: 8 of 10 rows are in production' });
    expect(b.detail).toMatch(/^2 rows wait in Quarantine and Review: approve fixes in Review, or edit the rows in Quarantine, to promote them\./);
    // No fix proposed: the way out is the analyst's own edit. One row waits (not "wait").
    const one = runBadges(summary({ successRows: 9, quarantineRows: 1, reconciliation: [] }));
    expect(one.detail).toMatch(/^1 row waits in Quarantine and Review: no fix was proposed; edit the rows in Quarantine, then approve the edit in Review/);
    expect(b.detail).toContain('1 verified fix wait');
    expect(b.headline).not.toMatch(/^Completed:/);
  });

  it('every row quarantined: nothing reached production, and it says so', () => {
    const b = runBadges(summary({ successRows: 0, quarantineRows: 10, reconciliation: [stage('final', 10, 0, 10, 0)] }));
    expect(b).toMatchObject({ state: 'completed-with-quarantine', headline: 'Nothing reached production: 10 of 10 rows are in quarantine' });
    expect(b.headline).not.toMatch(/Completed/);
  });

  it('held: names the gate, its measured value and the threshold', () => {
    const b = runBadges(summary({ status: 'held', successRows: 0, pendingRows: 10, gates: [gate({ name: 'nullShare', passed: true }), gate({})], reconciliation: [stage('route', 10, 0, 0, 0, 10)] }));
    expect(b).toMatchObject({ state: 'held', tone: 'amber', headline: 'Held by the rowCount gate: it measured 10, the contract needs more than 1,000,000' });
    expect(b.detail).toMatch(/^Nothing is promoted until you release or reject the batch: 10 rows wait/);
    const two = runBadges(summary({ status: 'held', successRows: 0, pendingRows: 10, gates: [gate({}), gate({ name: 'email#1', metric: 'nullValues', column: 'email', unit: 'percent', value: 12.5, operator: 'mustBeLessOrEqualTo', threshold: 5 })], reconciliation: [] }));
    expect(two.headline).toBe('Held by 2 quality gates: rowCount measured 10 (the contract needs more than 1,000,000); nullValues on email measured 12.5% (the contract needs at most 5%)');
  });

  it('gate thresholds in words, ranges included', () => {
    expect(gateNeed(gate({ operator: 'mustBeBetween', threshold: [1, 5] }))).toBe('between 1 and 5');
    expect(gateNeed(gate({ operator: 'mustNotBeBetween', threshold: [1, 5], unit: 'percent' }))).toBe('outside 1% to 5%');
    expect(gateNeed(gate({ operator: 'mustBe', threshold: 0 }))).toBe('exactly 0');
  });

  it('halted: says what in the file does not match', () => {
    const drift = { decision: 'halt', changes: [{ kind: 'renamed', column: 'zip', detail: 'column 3 is "postcode" in the file, "zip" in the contract' }, { kind: 'added', column: 'phone', detail: '' }] };
    const b = runBadges(summary({ status: 'halted', successRows: 0, pendingRows: 10, drift, reconciliation: [] }));
    expect(b).toMatchObject({ state: 'halted', tone: 'violet', headline: 'Halted: the file does not match the contract: the column "zip" has another name in the file; the file has a new column "phone"' });
    expect(b.detail).toContain('10 rows wait in the vault');
  });

  it('already processed: when, by which run, and how that run ended', () => {
    const b = runBadges(summary({ idempotent: true, previousRunId: 'run_20261130T0900_123456', previousRunAt: '2026-11-30T09:00:12.345Z', successRows: 8, quarantineRows: 2, reconciliation: [] }));
    expect(b).toMatchObject({ state: 'already-processed', tone: 'blue', headline: 'Already processed on 2026-11-30 09:00 UTC by run_20261130T0900_123456: not run again' });
    expect(b.detail).toBe('This file was run before with this contract version. That run: Completed with 2 rows in quarantine: 8 of 10 rows are in production');
  });

  it('cancelled: nothing kept, distinct from interrupted and from a failure', () => {
    const stub = { status: 'failed' as const, reconciled: false, sourceRows: 0, successRows: 0, quarantineRows: 0, reconciliation: [] };
    const cancelled = runBadges(summary({ ...stub, ended: 'cancelled' }));
    const interrupted = runBadges(summary({ ...stub, ended: 'interrupted' }));
    expect(cancelled).toMatchObject({ state: 'cancelled', tone: 'slate', headline: 'Cancelled: nothing from this run was kept' });
    expect(interrupted).toMatchObject({ state: 'interrupted', tone: 'grey' });
    expect(cancelled.headline).not.toBe(interrupted.headline);
    expect(cancelled.headline).not.toMatch(/fail|Sev-1|interrupt/i);
  });

  it('failed (Sev-1): the numbers that do not close', () => {
    const b = runBadges(summary({ status: 'failed', reconciled: false, reconciliation: [stage('ingest', 1000, 0, 0, 0, 5, false)] }));
    expect(b).toMatchObject({ state: 'sev1', tone: 'red', headline: 'Failed (Sev-1): the rows do not add up after ingest' });
  });

  it('every state has a label and a look, and the looks that mean "done" are not shared', () => {
    const states = Object.keys(STATE_LABEL) as RunState[];
    expect(new Set(states)).toEqual(new Set(Object.keys(STATE_TONE)));
    expect(states.filter((s) => STATE_TONE[s] === 'green')).toEqual(['completed']);
    expect(STATE_TONE.cancelled).not.toBe(STATE_TONE.interrupted);
    expect(STATE_TONE['completed-with-quarantine']).not.toBe(STATE_TONE.held);
  });
});

// ---------------------------------------------------------------- generated summaries

const STATUSES: string[] = ['completed', 'held', 'halted', 'failed', 'rejected', 'running', 'cancelled', 'done', 'ok', '', 'COMPLETED'];

function counts(rng: Rng, closes: boolean) {
  const success = rng.chance(0.2) ? 0 : rng.int(0, 5000);
  const quarantine = rng.chance(0.4) ? 0 : rng.int(0, 5000);
  const duplicates = rng.chance(0.6) ? 0 : rng.int(0, 50);
  const pending = rng.chance(0.6) ? 0 : rng.int(0, 500);
  const off = closes ? 0 : rng.pick([-1, 1, 2, -7, 1000]);
  return { sourceRows: Math.max(0, success + quarantine + duplicates + pending + off), successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending };
}

function generated(rng: Rng): RunSummary {
  const c = counts(rng, rng.chance(0.7));
  const stages = rng.chance(0.2) ? [] : ['route', 'promote', 'final'].map((name) => {
    const s = rng.chance(0.85) ? c : counts(rng, rng.chance(0.5));
    return stage(name, s.sourceRows, s.successRows, s.quarantineRows, s.duplicateRows, s.pendingRows, rng.chance(0.9));
  });
  return summary({
    ...c,
    status: rng.pick(STATUSES) as RunStatus,
    reconciled: rng.chance(0.8),
    reconciliation: stages,
    idempotent: rng.chance(0.2) || undefined,
    previousRunId: rng.chance(0.5) ? 'run_20261130T0900_123456' : undefined,
    ended: rng.chance(0.3) ? rng.pick(['cancelled', 'interrupted', 'error'] as const) : undefined,
    gates: rng.chance(0.3) ? [gate({ passed: rng.chance(0.5) })] : [],
  });
}

describe('on 5,000 generated summaries', () => {
  const rng = seeded(12);
  const cases = Array.from({ length: 5000 }, () => generated(rng));
  const seen = new Set<RunState>();
  for (const s of cases) seen.add(runBadges(s).state);

  it('the generator reaches every state (else the properties below prove little)', () => {
    expect([...seen].sort()).toEqual((Object.keys(STATE_LABEL) as RunState[]).sort());
  });

  it('a run with rows in quarantine is never "completed", and never says Completed: alone', () => {
    for (const s of cases.filter((x) => x.quarantineRows > 0)) {
      const b = runBadges(s);
      expect(b.state, JSON.stringify(s)).not.toBe('completed');
      expect(b.headline).not.toMatch(/^Completed:/);
    }
  });

  it('green only for a completed status whose every count closes, with nothing in quarantine or pending', () => {
    for (const s of cases) {
      const b = runBadges(s);
      if (b.tone !== 'green') continue;
      expect(b.state).toBe('completed');
      expect(s.status).toBe('completed');
      expect(s.reconciled).toBe(true);
      expect(adds(b.counts)).toBe(true);
      expect(s.quarantineRows + s.pendingRows).toBe(0);
      expect(b.stages.every((x) => x.balanced)).toBe(true);
    }
  });

  it('an unknown status is never green, and never a state of a finished run', () => {
    const known = new Set(['completed', 'held', 'halted', 'failed', 'rejected', 'running']);
    for (const s of cases.filter((x) => !known.has(x.status))) {
      const b = runBadges(s);
      expect(b.tone).not.toBe('green');
      expect(['sev1'], JSON.stringify(s)).toContain(b.state);
    }
  });

  it('counts that do not add up are always a Sev-1, red, naming both sides', () => {
    for (const s of cases.filter((x) => x.sourceRows !== x.successRows + x.quarantineRows + x.duplicateRows + x.pendingRows)) {
      const b = runBadges(s);
      expect(b.state, JSON.stringify(s)).toBe('sev1');
      expect(b.tone).toBe('red');
      expect(b.reconciled).toBe(false);
      expect(b.detail).toContain('≠');
    }
  });

  it('a broken stage is always a Sev-1, named in the headline', () => {
    for (const s of cases) {
      const b = runBadges(s);
      if (!b.brokenStage || b.state === 'running') continue;
      // A stub of a run that never reconciled a stage has no stage to break.
      expect(b.state, JSON.stringify(s)).toBe('sev1');
      expect(b.headline).toContain(`after ${b.brokenStage}`);
    }
  });

  it('only a summary recorded as cancelled is "cancelled", and it never claims rows', () => {
    for (const s of cases) {
      const b = runBadges(s);
      if (b.state !== 'cancelled') continue;
      expect(s.ended).toBe('cancelled');
      expect(b.reconciled).toBe(false);
      expect(b.headline).not.toMatch(/production|Completed/);
    }
  });

  it('the label, tone and headline agree with the state for every summary', () => {
    for (const s of cases) {
      const b = runBadges(s);
      expect(b.tone).toBe(STATE_TONE[b.state]);
      expect(b.headline.length).toBeGreaterThan(0);
      if (b.reconciled) expect(adds(b.counts)).toBe(true);
    }
  });
});
