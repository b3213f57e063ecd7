// Groups items whose embeddings are close: every pair with cosine similarity >= threshold among
// each item's nearest neighbours is joined, and joins are transitive (union-find). An HNSW index
// (usearch) finds the neighbours, so this stays fast for thousands of cluster representatives.
import { Index, MetricKind, ScalarKind } from 'usearch';

/** Neighbours looked at per item; transitivity reaches further than this in dense groups. */
const DEFAULT_NEIGHBOURS = 16;

function unionFind(n: number) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    // The smaller index stays root, so the result does not depend on the order pairs arrive in.
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  return { find, union };
}

/**
 * A group id per item: items whose cosine similarity is >= `threshold` share a group (directly or
 * through a chain of such pairs). Ids are 0, 1, 2... in order of each group's first item.
 */
export function mergeBySimilarity(vectors: Float32Array[], threshold: number, neighbours = DEFAULT_NEIGHBOURS): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  const dim = vectors[0].length;
  if (vectors.some((v) => v.length !== dim)) throw new Error('mergeBySimilarity: vectors have different lengths');
  const sets = unionFind(n);

  if (n > 1) {
    const index = new Index({
      dimensions: dim,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      // Wide search lists: cluster representatives are few (thousands at most), and a missed
      // neighbour would split a group that should merge.
      connectivity: 16,
      expansion_add: 256,
      expansion_search: 256,
      multi: false,
    });
    const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
    // One thread: the graph (and so the grouping) is the same on every run.
    index.add(keys, vectors, 1);
    const k = Math.min(n, neighbours + 1); // +1: an item finds itself first
    const matches = index.search(vectors, k, 1);
    for (let i = 0; i < n; i++) {
      const found = Number(matches.counts[i]);
      for (let j = 0; j < found; j++) {
        const other = Number(matches.keys[i * k + j]);
        // usearch's cosine distance is 1 - similarity
        if (other !== i && 1 - matches.distances[i * k + j] >= threshold) sets.union(i, other);
      }
    }
  }

  const ids = new Map<number, number>();
  return vectors.map((_, i) => {
    const root = sets.find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}
