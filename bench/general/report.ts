// Plain-text tables for the harness: one per base table (kinds summed over its rates) and one
// overall. P = corrected / cells changed, R = corrected / cells injected.
import { addScores, emptyScore, prf, type KindScore, type ScoredKind } from './score.js';
import { KINDS } from './types.js';

type Kinds = Partial<Record<ScoredKind, KindScore>>;

const ORDER: ScoredKind[] = [...KINDS, 'clean-cell'];
const pct = (x: number) => x.toFixed(3);

/** Kind-by-kind sum of several runs' kind scores. */
export function sumKinds(all: Kinds[]): Kinds {
  const out: Kinds = {};
  for (const k of all) for (const [kind, s] of Object.entries(k) as [ScoredKind, KindScore][]) addScores((out[kind] ??= emptyScore()), s);
  return out;
}

/** All injected kinds plus the clean-cell losses: the run's cell-level P/R/F1, as the scorer counts it. */
export function totalOf(kinds: Kinds): KindScore {
  return Object.values(kinds).reduce((acc, s) => addScores(acc, s), emptyScore());
}

export function kindTable(title: string, kinds: Kinds): string {
  const head = ['kind', 'injected', 'corrected', 'wrong', 'left', 'quarant.', 'lost', 'P', 'R', 'F1'];
  const rows: string[][] = [];
  for (const kind of ORDER) {
    const s = kinds[kind];
    if (!s) continue;
    const m = prf(s);
    rows.push(kind === 'clean-cell'
      ? [kind, '-', '-', String(s.wrong), '-', '-', '-', '-', '-', '-']
      : [kind, String(s.injected), String(s.corrected), String(s.wrong), String(s.left), String(s.quarantined), String(s.lost), pct(m.precision), pct(m.recall), pct(m.f1)]);
  }
  const t = totalOf(kinds), m = prf(t);
  rows.push(['all', String(t.injected), String(t.corrected), String(t.wrong), String(t.left), String(t.quarantined), String(t.lost), pct(m.precision), pct(m.recall), pct(m.f1)]);
  return [title, grid(head, rows, (j) => j === 0)].join('\n');
}

/** A plain-text grid: header, rule, rows; columns padded to width, left-aligned where `left(j)`, else right-aligned. */
export function grid(head: string[], rows: string[][], left: (j: number, last: boolean) => boolean): string {
  const width = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => (left(j, j === r.length - 1) ? c.padEnd(width[j]) : c.padStart(width[j]))).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface RunLine {
  table: string;
  contract: string;
  rate: number;
  injectedCells: number;
  runMs: number;
  error?: string;
  heldBy?: string;
  exportNeededPii?: string;
  scorer?: { correction: { precision: number; recall: number; f1: number }; rowsQuarantined: number; rowsLost: number };
}

/** One line per run: the public scorer's P/R/F1 for each table, rate and contract. */
export function runsTable(runs: RunLine[]): string {
  const head = ['table', 'contract', 'rate', 'injected', 'P', 'R', 'F1', 'quarant.', 'lost', 'run s', 'notes'];
  const rows = runs.map((r) => {
    const c = r.scorer?.correction;
    const notes = [r.error ? `FAILED: ${r.error.slice(0, 60)}` : '', r.heldBy ? `held (${r.heldBy}), released` : '', r.exportNeededPii ? 'export needed --include-pii' : ''].filter(Boolean).join('; ');
    return [r.table, r.contract, `${+(r.rate * 100).toFixed(1)}%`, String(r.injectedCells), c ? pct(c.precision) : '-', c ? pct(c.recall) : '-', c ? pct(c.f1) : '-',
      String(r.scorer?.rowsQuarantined ?? '-'), String(r.scorer?.rowsLost ?? '-'), (r.runMs / 1000).toFixed(1), notes];
  });
  return ['per table — public scorer, cell level', grid(head, rows, (j, last) => j < 2 || last)].join('\n');
}
