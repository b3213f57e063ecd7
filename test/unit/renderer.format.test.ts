// The renderer's short run label: the run ids the engine makes today (with a 'T' between date
// and time) are shortened like the older ones, instead of shown whole.
import { describe, expect, it } from 'vitest';
import { counted, shortRun } from '../../renderer/src/format.js';
import { newRunId } from '../../main/pipeline/runBatch.js';

describe('shortRun', () => {
  it('shortens a run id as newRunId makes it', () => {
    expect(shortRun('run_20261201T195945_2483da')).toBe('2026-12-01 19:59 · 2483da');
    expect(shortRun(newRunId())).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · [0-9a-f]{6}$/);
  });

  it('still shortens an older id without the T, and leaves anything else whole', () => {
    expect(shortRun('run_20250314094200_abcdef')).toBe('2025-03-14 09:42 · abcdef');
    expect(shortRun('run-20250314-0942')).toBe('run-20250314-0942');
  });
});

describe('counted', () => {
  it('puts the noun in the number the count asks for', () => {
    expect(counted(1, 'failing cell')).toBe('1 failing cell');
    expect(counted(0, 'failing cell')).toBe('0 failing cells');
    expect(counted(1204, 'row')).toBe('1,204 rows');
    expect(counted(2, 'match', 'matches')).toBe('2 matches');
  });
});
