// Progress bars: each stage's rate and time left, worked out from the engine's reports.
import { describe, expect, it } from 'vitest';
import { progressTracker } from '../../main/api/progress.js';

describe('progressTracker', () => {
  it('times each stage from its first report and estimates the time left', () => {
    let now = 1_000;
    const track = progressTracker(() => now);
    const first = track({ runId: 'r', stage: 'propose', done: 0, total: 100, message: '' });
    expect(first).toMatchObject({ unit: 'clusters', stageElapsedMs: 0, perSecond: null, etaMs: null });
    now = 11_000;
    const mid = track({ runId: 'r', stage: 'propose', done: 25, total: 100, message: '' });
    expect(mid.perSecond).toBe(2.5);
    expect(mid.etaMs).toBe(30_000);
    expect(mid.stageElapsedMs).toBe(10_000);
  });

  it('uses the engine\'s own rate when it gives one, and says bytes while ingest reads', () => {
    const track = progressTracker(() => 0);
    expect(track({ runId: 'r', stage: 'ingest', done: 0, total: 5_000, message: '' }).unit).toBe('bytes');
    const done = track({ runId: 'r', stage: 'ingest', done: 1_000, total: 1_000, message: '', rowsPerSecond: 400 });
    expect(done).toMatchObject({ unit: 'rows', perSecond: 400, etaMs: 0 });
  });
});
