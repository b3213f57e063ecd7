// Hand-written contract beside the profiled one: side-by-side tables over the public scorer's
// reports, and the profiled contract's bars. Pure functions over given figures (no runs), so
// they are tested on their own. The bars are printed as pass/fail lines and never decide the exit
// code; a missing figure (run failed, or that half not run) is a failed bar, or n/a where the
// comparison has no hand-written half.
import { grid, sumKinds, totalOf } from './report.js';
import { prf, type KindScore, type Prf, type ScoredKind } from './score.js';
import { KINDS } from './types.js';

type Kinds = Partial<Record<ScoredKind, KindScore>>;

/** What the comparison needs of one scored run: the scorer's two figures. */
export interface Figures { correction: Prf; rowDetection: Prf }

export interface Half {
  /** absent when the run failed or could not be scored */
  scorer?: Figures;
  /** wall time of the run (plus release) */
  ms: number;
  error?: string;
}

export interface PublicRow { table: string; hand?: Half; profiled?: Half }

const f3 = (x: number) => x.toFixed(3);
const triple = (p?: Prf) => (p ? `${f3(p.precision)}/${f3(p.recall)}/${f3(p.f1)}` : '-');
const secs = (h?: Half) => (h ? (h.error ? 'failed' : (h.ms / 1000).toFixed(1)) : '-');

/** profiled F1 / hand F1, or undefined when either is missing or the hand F1 is 0. */
export function ratio(hand?: number, profiled?: number): number | undefined {
  return hand === undefined || profiled === undefined || hand === 0 ? undefined : profiled / hand;
}

/** Public tables: correction and row detection (P/R/F1), hand-written beside profiled, and both run times. */
export function publicTable(rows: PublicRow[]): string {
  const head = ['table', 'correction hand', 'correction profiled', 'row detection hand', 'row detection profiled', 'F1 ratio', 'hand s', 'profiled s'];
  const cells = rows.map((r) => {
    const q = ratio(r.hand?.scorer?.correction.f1, r.profiled?.scorer?.correction.f1);
    return [r.table, triple(r.hand?.scorer?.correction), triple(r.profiled?.scorer?.correction), triple(r.hand?.scorer?.rowDetection),
      triple(r.profiled?.scorer?.rowDetection), q === undefined ? '-' : f3(q), secs(r.hand), secs(r.profiled)];
  });
  return ['public tables — hand-written vs profiled contract (public scorer, P/R/F1)', grid(head, cells, (j) => j === 0)].join('\n');
}

export interface Bar { name: string; pass: boolean | undefined; detail: string }

export const barLine = (b: Bar) => `bar ${b.pass === undefined ? 'n/a ' : b.pass ? 'PASS' : 'FAIL'}: ${b.name} — ${b.detail} (reported, not gated)`;

/** The profiled contract's bars on the public tables: beers F1 >= 0.90; hospital F1 >= 0.85 at P >= 0.99. */
export function publicBars(profiled: Record<string, Figures | undefined>): Bar[] {
  const bars: Bar[] = [];
  if ('beers' in profiled) {
    const c = profiled.beers?.correction;
    bars.push({ name: 'profiled beers correction F1 >= 0.90', pass: !!c && c.f1 >= 0.9, detail: c ? `F1 ${f3(c.f1)}` : 'no figure' });
  }
  if ('hospital' in profiled) {
    const c = profiled.hospital?.correction;
    bars.push({ name: 'profiled hospital correction F1 >= 0.85 at P >= 0.99', pass: !!c && c.f1 >= 0.85 && c.precision >= 0.99, detail: c ? `F1 ${f3(c.f1)}, P ${f3(c.precision)}` : 'no figure' });
  }
  return bars;
}

/** What the harness comparison needs of one run (a subset of the harness's VariantResult). */
export interface HarnessRun { table: string; contract: string; rate: number; scorer?: Figures; kinds?: Kinds; error?: string }

const rateOf = (r: number) => `${+(r * 100).toFixed(1)}%`;

/** Cell-level F1 of a table's runs pooled over their rates (cell counts summed, as the scorer counts), or undefined if any failed or none ran. */
export function pooledF1(runs: HarnessRun[]): number | undefined {
  if (!runs.length || runs.some((r) => !r.kinds)) return undefined;
  return prf(totalOf(sumKinds(runs.map((r) => r.kinds ?? {})))).f1;
}

/**
 * Harness: per table and rate, the hand-written contract's F1 beside the profiled one's, their
 * ratio and both row detections; then one pooled line per table ("all"). `hand` names each
 * table's hand-written contract compared against (its first).
 */
export function harnessTable(runs: HarnessRun[], tables: string[], rates: number[], hand: (table: string) => string, profiled: string): string {
  const head = ['table', 'rate', 'hand contract', 'F1 hand', 'F1 profiled', 'ratio', 'row det. hand', 'row det. profiled'];
  const rows: string[][] = [];
  const one = (xs: HarnessRun[], t: string, c: string, rate?: number) => xs.filter((r) => r.table === t && r.contract === c && (rate === undefined || r.rate === rate));
  for (const t of tables) {
    for (const rate of rates) {
      const h = one(runs, t, hand(t), rate)[0], p = one(runs, t, profiled, rate)[0];
      if (!h && !p) continue;
      const q = ratio(h?.scorer?.correction.f1, p?.scorer?.correction.f1);
      rows.push([t, rateOf(rate), hand(t), h ? (h.scorer ? f3(h.scorer.correction.f1) : 'failed') : '-', p ? (p.scorer ? f3(p.scorer.correction.f1) : 'failed') : '-',
        q === undefined ? '-' : f3(q), triple(h?.scorer?.rowDetection), triple(p?.scorer?.rowDetection)]);
    }
    const hf = pooledF1(one(runs, t, hand(t))), pf = pooledF1(one(runs, t, profiled)), q = ratio(hf, pf);
    rows.push([t, 'all', hand(t), hf === undefined ? '-' : f3(hf), pf === undefined ? '-' : f3(pf), q === undefined ? '-' : f3(q), '', '']);
  }
  return ['harness — hand-written vs profiled contract (public scorer: correction F1, row detection P/R/F1; "all": cells pooled over the rates)',
    grid(head, rows, (j) => j < 3)].join('\n');
}

/** Profiled F1 >= 80% of the hand-written F1, per table, pooled over its rates; n/a when the hand half was not run. */
export function harnessBars(runs: HarnessRun[], tables: string[], hand: (table: string) => string, profiled: string): Bar[] {
  return tables.map((t) => {
    const mine = (c: string) => runs.filter((r) => r.table === t && r.contract === c);
    const name = `profiled ${t} F1 >= 80% of hand [${hand(t)}]`;
    const h = mine(hand(t)), p = mine(profiled);
    if (!h.length || !p.length) return { name, pass: undefined, detail: `${h.length ? 'profiled' : 'hand'} contract not run` };
    const hf = pooledF1(h), pf = pooledF1(p), q = ratio(hf, pf);
    if (hf === undefined || pf === undefined) return { name, pass: false, detail: 'a run failed: no figure' };
    // a hand F1 of 0 leaves no ratio: the profiled one then passes by not being worse
    return { name, pass: q === undefined ? pf >= hf : q >= 0.8, detail: `F1 ${f3(pf)} vs ${f3(hf)}${q === undefined ? '' : `, ratio ${f3(q)}`}` };
  });
}

/** Per kind, recall of the hand-written contract beside the profiled one (kinds summed over the rates). */
export function kindRecallTable(title: string, hand: Kinds | undefined, profiled: Kinds): string {
  const head = ['kind', 'injected', 'R hand', 'R profiled', 'wrong hand', 'wrong profiled'];
  const rows: string[][] = [];
  for (const kind of [...KINDS, 'clean-cell'] as ScoredKind[]) {
    const h = hand?.[kind], p = profiled[kind];
    if (!h && !p) continue;
    const clean = kind === 'clean-cell';
    rows.push([kind, clean ? '-' : String((p ?? h)?.injected ?? 0), clean || !h ? '-' : f3(prf(h).recall), clean || !p ? '-' : f3(prf(p).recall), h ? String(h.wrong) : '-', p ? String(p.wrong) : '-']);
  }
  const th = hand ? totalOf(hand) : undefined, tp = totalOf(profiled);
  rows.push(['all', String(tp.injected), th ? f3(prf(th).recall) : '-', f3(prf(tp).recall), th ? String(th.wrong) : '-', String(tp.wrong)]);
  return [title, grid(head, rows, (j) => j === 0)].join('\n');
}
