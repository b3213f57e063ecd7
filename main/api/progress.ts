// Turns the engine's progress reports into what a progress bar shows: how fast each stage goes
// and how long it has left. Each stage is timed from its first report.
import type { Progress } from '../pipeline/types.js';
import type { RunProgress } from './contract.js';

const UNITS: Record<Progress['stage'], RunProgress['unit']> = {
  vault: 'bytes', ingest: 'rows', validate: 'rows', route: 'rows', promote: 'rows',
  cluster: 'steps', propose: 'clusters', verify: 'clusters', apply: 'steps', done: 'steps',
};

export function progressTracker(now: () => number = Date.now): (p: Progress) => RunProgress {
  const started = new Map<string, number>();
  return (p) => {
    const t = now();
    if (!started.has(p.stage)) started.set(p.stage, t);
    const elapsed = t - started.get(p.stage)!;
    // The ingest stage first reports bytes to read, then the records it read.
    const unit = p.stage === 'ingest' && p.done === 0 ? 'bytes' : UNITS[p.stage];
    const perSecond = p.rowsPerSecond ?? (p.done > 0 && elapsed > 0 ? (p.done * 1000) / elapsed : null);
    let etaMs: number | null = null;
    if (p.total > 0 && p.done >= p.total) etaMs = 0;
    else if (perSecond && perSecond > 0) etaMs = Math.round(((p.total - p.done) / perSecond) * 1000);
    return { ...p, unit, stageElapsedMs: elapsed, perSecond: perSecond === null ? null : Math.round(perSecond * 10) / 10, etaMs };
  };
}
