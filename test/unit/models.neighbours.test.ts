// mergeBySimilarity on hand-made vectors whose cosine similarities are known exactly.
import { describe, expect, it } from 'vitest';
import { mergeBySimilarity } from '../../main/models/neighbours.js';

/** A unit vector in 4 dimensions at `degrees` from the x axis, in the x-y plane (or z-w plane). */
function at(degrees: number, plane: 'xy' | 'zw' = 'xy'): Float32Array {
  const r = (degrees * Math.PI) / 180;
  return plane === 'xy' ? Float32Array.of(Math.cos(r), Math.sin(r), 0, 0) : Float32Array.of(0, 0, Math.cos(r), Math.sin(r));
}

describe('mergeBySimilarity', () => {
  it('merges pairs at or above the threshold and keeps the rest apart', () => {
    // cos 10° = 0.985, cos 60° = 0.5, the two planes are orthogonal
    const vectors = [at(0), at(10), at(70), at(0, 'zw'), at(10, 'zw')];
    expect(mergeBySimilarity(vectors, 0.95)).toEqual([0, 0, 1, 2, 2]);
    expect(mergeBySimilarity(vectors, 0.4)).toEqual([0, 0, 0, 1, 1]);
    expect(mergeBySimilarity(vectors, 0.999)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is transitive: a chain of close pairs becomes one group', () => {
    // neighbours 15° apart (cos 0.966), ends 60° apart (cos 0.5)
    const chain = [at(0), at(15), at(30), at(45), at(60)];
    expect(mergeBySimilarity(chain, 0.95)).toEqual([0, 0, 0, 0, 0]);
  });

  it('ignores magnitude (cosine) and numbers groups by first appearance', () => {
    const scaled = (v: Float32Array, k: number) => v.map((x) => x * k);
    expect(mergeBySimilarity([at(0, 'zw'), scaled(at(90), 5), scaled(at(0, 'zw'), 0.1), at(90)], 0.99)).toEqual([0, 1, 0, 1]);
  });

  it('handles no items, one item, and rejects mixed lengths', () => {
    expect(mergeBySimilarity([], 0.9)).toEqual([]);
    expect(mergeBySimilarity([at(0)], 0.9)).toEqual([0]);
    expect(() => mergeBySimilarity([at(0), Float32Array.of(1, 0)], 0.9)).toThrow(/different lengths/);
  });

  it('scales to a few thousand items', () => {
    // 40 tight bundles of 50 vectors in 32 dimensions: each bundle must come out as one group
    const dim = 32;
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: dim }, rand));
    const vectors = centres.flatMap((c) => Array.from({ length: 50 }, () => c.map((x) => x + rand() * 0.02)));
    const groups = mergeBySimilarity(vectors, 0.98);
    expect(new Set(groups).size).toBe(40);
    for (let b = 0; b < 40; b++) expect(new Set(groups.slice(b * 50, b * 50 + 50)).size).toBe(1);
  });
});
