// The hand-written vs profiled contract report (bench/general/compare.ts): both halves side by
// side, the profiled/hand ratio, and the profiled contract's bars, as pure functions over given
// scorer figures and kind scores.
import { describe, expect, it } from 'vitest';
import { barLine, harnessBars, harnessTable, kindRecallTable, pooledF1, publicBars, publicTable, ratio, type HarnessRun } from '../../bench/general/compare.js';
import { emptyScore, type KindScore } from '../../bench/general/score.js';

const fig = (p: number, r: number, f1: number, dp = 1, dr = 0.5, df = 0.667) => ({ correction: { precision: p, recall: r, f1 }, rowDetection: { precision: dp, recall: dr, f1: df } });
const ks = (s: Partial<KindScore>): KindScore => ({ ...emptyScore(), ...s });

describe('hand vs profiled: public tables', () => {
  it('prints correction and row detection of both halves on one line per table, with the ratio and both times', () => {
    const text = publicTable([
      { table: 'hospital', hand: { ms: 30_000, scorer: fig(0.995, 0.87, 0.928) }, profiled: { ms: 28_500, scorer: fig(0.96, 0.847, 0.9, 0.966, 0.968, 0.967) } },
      { table: 'beers', profiled: { ms: 4_200, error: 'run exit 2: bad' } },
    ]);
    const [, head, , hospital, beers] = text.split('\n');
    expect(head).toMatch(/correction hand\s+correction profiled\s+row detection hand\s+row detection profiled\s+F1 ratio\s+hand s\s+profiled s/);
    expect(hospital.split(/\s+/)).toEqual(['hospital', '0.995/0.870/0.928', '0.960/0.847/0.900', '1.000/0.500/0.667', '0.966/0.968/0.967', (0.9 / 0.928).toFixed(3), '30.0', '28.5']);
    expect(beers.split(/\s+/)).toEqual(['beers', '-', '-', '-', '-', '-', '-', 'failed']);
  });

  it('judges the bars on the profiled figures: beers F1 >= 0.90, hospital F1 >= 0.85 at P >= 0.99', () => {
    const bars = publicBars({ beers: fig(0.97, 0.27, 0.423), hospital: fig(0.96, 0.85, 0.9) });
    expect(bars.map((b) => [b.name, b.pass])).toEqual([
      ['profiled beers correction F1 >= 0.90', false],
      ['profiled hospital correction F1 >= 0.85 at P >= 0.99', false], // F1 is enough, precision is not
    ]);
    expect(publicBars({ beers: fig(0.99, 0.9, 0.92), hospital: fig(0.995, 0.8, 0.86) }).every((b) => b.pass)).toBe(true);
    expect(publicBars({ beers: undefined })).toEqual([{ name: 'profiled beers correction F1 >= 0.90', pass: false, detail: 'no figure' }]);
    expect(publicBars({ hospital: fig(0.99, 0.9, 0.9) })).toHaveLength(1); // only the tables that ran
    expect(barLine(bars[0])).toBe('bar FAIL: profiled beers correction F1 >= 0.90 — F1 0.423 (reported, not gated)');
  });
});

describe('hand vs profiled: harness', () => {
  // hand: 8 of 10 corrected, 0 wrong (P 1, R 0.8); profiled: 4 of 10, 4 wrong (P 0.5, R 0.4)
  const runs: HarnessRun[] = [
    { table: 'customers', contract: 'contract', rate: 0.03, scorer: fig(1, 0.8, 0.889), kinds: { typo: ks({ injected: 10, corrected: 8, left: 2 }) } },
    { table: 'customers', contract: 'profiled', rate: 0.03, scorer: fig(0.5, 0.4, 0.444, 0.9, 0.6, 0.72), kinds: { typo: ks({ injected: 10, corrected: 4, wrong: 4, left: 2 }) } },
  ];
  const hand = () => 'contract';

  it('ratio: profiled over hand, none when a half is missing or the hand F1 is 0', () => {
    expect(ratio(0.8, 0.4)).toBe(0.5);
    expect(ratio(undefined, 0.4)).toBeUndefined();
    expect(ratio(0.8, undefined)).toBeUndefined();
    expect(ratio(0, 0.4)).toBeUndefined();
  });

  it('prints hand and profiled F1, their ratio and both detections per rate, and a pooled line per table', () => {
    const lines = harnessTable(runs, ['customers'], [0.03], hand, 'profiled').split('\n');
    expect(lines[1]).toMatch(/F1 hand\s+F1 profiled\s+ratio\s+row det. hand\s+row det. profiled/);
    expect(lines[3].split(/\s+/)).toEqual(['customers', '3%', 'contract', '0.889', '0.444', (0.444 / 0.889).toFixed(3), '1.000/0.500/0.667', '0.900/0.600/0.720']);
    // pooled from the kind counts: hand P 1 R 0.8 -> 0.889; profiled P 0.5 R 0.4 -> 0.444
    expect(lines[4].split(/\s+/)).toEqual(['customers', 'all', 'contract', '0.889', '0.444', '0.500']);
  });

  it('bar: profiled F1 >= 80% of the hand F1 per table, pooled over rates; n/a without the hand half, fail on a failed run', () => {
    expect(harnessBars(runs, ['customers'], hand, 'profiled')).toEqual([{ name: 'profiled customers F1 >= 80% of hand [contract]', pass: false, detail: 'F1 0.444 vs 0.889, ratio 0.500' }]);
    const close = [runs[0], { ...runs[1], kinds: { typo: ks({ injected: 10, corrected: 7, left: 3 }) } }];
    expect(harnessBars(close, ['customers'], hand, 'profiled')[0].pass).toBe(true); // 0.824 / 0.889 = 0.93
    expect(harnessBars([runs[1]], ['customers'], hand, 'profiled')[0]).toMatchObject({ pass: undefined, detail: 'hand contract not run' });
    const failed = [runs[0], { table: 'customers', contract: 'profiled', rate: 0.03, error: 'profile exit 2' }];
    expect(harnessBars(failed, ['customers'], hand, 'profiled')[0]).toMatchObject({ pass: false, detail: 'a run failed: no figure' });
    expect(pooledF1([])).toBeUndefined();
  });

  it('per-kind recall of the profiled contract beside the hand one', () => {
    const text = kindRecallTable('t', runs[0].kinds, { ...runs[1].kinds, 'clean-cell': ks({ wrong: 3 }) });
    const rows = text.split('\n').slice(3).map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      ['typo', '10', '0.800', '0.400', '0', '4'],
      ['clean-cell', '-', '-', '-', '-', '3'],
      ['all', '10', '0.800', '0.400', '0', '7'],
    ]);
    expect(kindRecallTable('t', undefined, runs[1].kinds ?? {}).split('\n')[3].split(/\s+/)).toEqual(['typo', '10', '-', '0.400', '-', '4']);
  });
});
