// Per-kind scoring of the generalisation harness (bench/general/score.ts): each injected cell ends
// corrected, left, wrong, quarantined or lost, compared as the public scorer compares; a change to
// a cell that had no error is a `clean-cell` precision loss.
import { describe, expect, it } from 'vitest';
import { prf, scoreKinds } from '../../bench/general/score.js';
import type { Injection, Table } from '../../bench/general/types.js';

const truth: Table = { header: ['id', 'city', 'n'], rows: [['1', 'Bend', '12'], ['2', 'Gary', '5'], ['3', 'Salem', '7'], ['4', 'Austin', '9']] };
const log: Injection[] = [
  { key: '1', column: 'city', clean: 'Bend', dirty: 'Bnd', kind: 'typo' },
  { key: '1', column: 'n', clean: '12', dirty: '12 oz', kind: 'unit' },
  { key: '2', column: 'city', clean: 'Gary', dirty: 'Gray', kind: 'typo' },
  { key: '3', column: 'n', clean: '7', dirty: '7%', kind: 'unit' },
  { key: '4', column: 'n', clean: '9', dirty: 'N/A', kind: 'missing' },
];

describe('per-kind scoring', () => {
  it('sorts every injected cell into one outcome and counts wrong changes to clean cells', () => {
    // columns by name in the export (re-ordered, with the export's row id), rows by key
    const out: Table = { header: ['n', 'id', 'city', '_airlock_row_id'], rows: [['12.0', '1', 'Bend', '1'], ['5', ' 2', 'Grey', '2'], ['10', '4', 'Austin', '4']] };
    const quarantine: Table = { header: ['id', 'city', 'n'], rows: [['3', 'Salem', '7%']] };
    const { kinds, wrongSamples } = scoreKinds(truth, log, out, quarantine);
    expect(kinds.typo).toEqual({ injected: 2, corrected: 1, wrong: 1, left: 0, quarantined: 0, lost: 0 });
    expect(kinds.unit).toEqual({ injected: 2, corrected: 1, wrong: 0, left: 0, quarantined: 1, lost: 0 });
    expect(kinds.missing).toEqual({ injected: 1, corrected: 0, wrong: 1, left: 0, quarantined: 0, lost: 0 });
    expect(kinds['clean-cell']).toBeUndefined();
    expect(wrongSamples.map((w) => `${w.key}:${w.column}`)).toEqual(['2:city', '4:n']);
    expect(prf(kinds.typo!)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('counts a left cell, a lost row, and a clean cell changed wrongly', () => {
    const out: Table = { header: ['id', 'city', 'n'], rows: [['1', 'Bnd', '12 oz'], ['2', 'Gray', '6'], ['3', 'Salem', '7']] };
    const { kinds } = scoreKinds(truth, log, out, { header: ['id'], rows: [] });
    expect(kinds.typo).toMatchObject({ left: 2 });
    expect(kinds.unit).toMatchObject({ left: 1, corrected: 1 });
    expect(kinds.missing).toMatchObject({ lost: 1 });
    expect(kinds['clean-cell']).toMatchObject({ wrong: 1 });
  });
});
