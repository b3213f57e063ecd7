// Scores one run per error kind, from the injection log: what became of each injected cell
// (corrected to the truth, left as delivered, changed to a wrong value, held in quarantine, or
// lost), plus wrong changes to cells that had no error (kind `clean-cell`). Cells compare as the
// public scorer compares them (same()), rows match by the first column, columns by name.
import { same } from './csv.js';
import type { Injection, Kind, Table } from './types.js';

export type ScoredKind = Kind | 'clean-cell';

export interface KindScore {
  injected: number;
  corrected: number;
  wrong: number;
  left: number;
  quarantined: number;
  lost: number;
}

export interface WrongSample { key: string; column: string; kind: ScoredKind; clean: string; dirty: string; out: string }

export interface KindReport {
  kinds: Partial<Record<ScoredKind, KindScore>>;
  wrongSamples: WrongSample[];
}

export const emptyScore = (): KindScore => ({ injected: 0, corrected: 0, wrong: 0, left: 0, quarantined: 0, lost: 0 });

/** Rows by the key column, found by name as the scorer finds it (the export adds and may move columns). */
function byKey(t: Table, key: string): Map<string, string[]> {
  const k = t.header.indexOf(key);
  return k < 0 ? new Map() : new Map(t.rows.map((r) => [r[k].trim(), r]));
}

export function scoreKinds(truth: Table, log: Injection[], out: Table, quarantine: Table): KindReport {
  const outRows = byKey(out, truth.header[0]), held = byKey(quarantine, truth.header[0]);
  const outCol = new Map(truth.header.map((h, j) => [j, out.header.indexOf(h)]));
  const injected = new Map(log.map((l) => [`${l.key}\u0000${l.column}`, l]));
  const kinds: Partial<Record<ScoredKind, KindScore>> = {};
  const wrongSamples: WrongSample[] = [];
  const bump = (k: ScoredKind, field: keyof KindScore) => { (kinds[k] ??= emptyScore())[field]++; };

  for (const l of log) {
    bump(l.kind, 'injected');
    const o = outRows.get(l.key.trim());
    if (!o) { bump(l.kind, held.has(l.key.trim()) ? 'quarantined' : 'lost'); continue; }
    const v = o[out.header.indexOf(l.column)];
    if (same(v, l.clean)) bump(l.kind, 'corrected');
    else if (same(v, l.dirty)) bump(l.kind, 'left');
    else {
      bump(l.kind, 'wrong');
      wrongSamples.push({ key: l.key, column: l.column, kind: l.kind, clean: l.clean, dirty: l.dirty, out: v });
    }
  }
  // precision losses on cells that were delivered right: a repair nobody asked for
  for (const t of truth.rows) {
    const o = outRows.get(t[0].trim());
    if (!o) continue;
    for (let j = 1; j < truth.header.length; j++) {
      if (injected.has(`${t[0]}\u0000${truth.header[j]}`)) continue;
      const c = outCol.get(j) ?? -1;
      if (c < 0 || same(o[c], t[j])) continue;
      bump('clean-cell', 'wrong');
      wrongSamples.push({ key: t[0], column: truth.header[j], kind: 'clean-cell', clean: t[j], dirty: t[j], out: o[c] });
    }
  }
  return { kinds, wrongSamples };
}

export interface Prf { precision: number; recall: number; f1: number }

/** Precision over the cells the run changed, recall over the injected cells (clean-cell: no recall). */
export function prf(s: KindScore): Prf {
  const changed = s.corrected + s.wrong;
  const precision = changed === 0 ? 0 : s.corrected / changed;
  const recall = s.injected === 0 ? 0 : s.corrected / s.injected;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Sums kind scores (across kinds of one run, or one kind across runs). */
export function addScores(into: KindScore, s: KindScore): KindScore {
  for (const k of Object.keys(into) as (keyof KindScore)[]) into[k] += s[k];
  return into;
}
