// A Merkle tree over one rule application's cell changes, so that the hash chain holds one entry
// per rule application (its root), not one per cell, while any single change stays provable.
//
// The tree is computed in DuckDB (merkleSql.ts) for the workspace's millions of cells; this file
// is its exact twin over a bundle's shipped changes, for `airlock verify` and for cell proofs,
// and the definition both must follow. Kept in one place, in words:
//
//   leaf  = sha256(0x00 || utf8("airlock-cell-v1" || enc(row_id) || enc(column) || enc(old) ||
//           enc(new) || enc(reason) || enc(rule) || enc(confidence) || enc(proposer) || enc(ts)))
//           where enc(null) = "-" and enc(s) = "<byte length of utf8(s)>:" || s, so that no two
//           changes encode alike (a field's length says where the next one starts);
//           row_id is the decimal integer, confidence DuckDB's VARCHAR of the DOUBLE, as shipped.
//   order = leaves sorted by (row_id, column as UTF-8 bytes): unique within one application.
//   node  = sha256(0x01 || left digest || right digest), digests as 32 raw bytes; the 0x00/0x01
//           prefixes keep a leaf from ever passing for a node (RFC 6962).
//   odd   = the last node of a level with no partner moves up unchanged (it is not duplicated,
//           which would let two different leaf lists share a root).
//   root  = the one node left; an application with no changes writes no entry.
import { createHash } from 'node:crypto';

export const LEAF_FORMAT = 'airlock-cell-v1';
export const MERKLE_SPEC = {
  hash: 'sha256',
  leaf: 'sha256(0x00 || utf8("airlock-cell-v1" || enc(row_id) || enc(column) || enc(old) || enc(new) || enc(reason) || enc(rule) || enc(confidence) || enc(proposer) || enc(ts))); enc(null) = "-", enc(s) = "<utf8 byte length>:" || s',
  order: 'row_id ascending, then column by UTF-8 bytes',
  node: 'sha256(0x01 || left || right), child digests as raw 32 bytes',
  odd: 'a last node without a partner is promoted unchanged to the next level',
} as const;

/** A cell change as the bundle ships it and the leaf hashes it (values already in their audit form). */
export interface LeafChange {
  row_id: number;
  column: string;
  old: string | null;
  new: string | null;
  reason: string | null;
  rule: string | null;
  /** DuckDB's text of the DOUBLE ('0.95', '1.0'): hashed as written */
  confidence: string | null;
  proposer: string | null;
  ts: string | null;
}

export const LEAF_FIELDS = ['row_id', 'column', 'old', 'new', 'reason', 'rule', 'confidence', 'proposer', 'ts'] as const;

const enc = (v: string | null): string => (v === null ? '-' : `${Buffer.byteLength(v, 'utf8')}:${v}`);

export function leafEncoding(c: LeafChange): string {
  return LEAF_FORMAT + LEAF_FIELDS.map((f) => enc(f === 'row_id' ? String(c.row_id) : (c[f] as string | null))).join('');
}

export function leafHash(c: LeafChange): string {
  return createHash('sha256').update(Buffer.from([0])).update(leafEncoding(c), 'utf8').digest('hex');
}

export function nodeHash(left: string, right: string): string {
  return createHash('sha256').update(Buffer.from([1])).update(Buffer.from(left, 'hex')).update(Buffer.from(right, 'hex')).digest('hex');
}

/** The tree's order: row_id, then column by UTF-8 bytes (DuckDB's VARCHAR order). */
export function compareLeafOrder(a: Pick<LeafChange, 'row_id' | 'column'>, b: Pick<LeafChange, 'row_id' | 'column'>): number {
  return a.row_id - b.row_id || Buffer.compare(Buffer.from(a.column, 'utf8'), Buffer.from(b.column, 'utf8'));
}

/** The root over leaf digests already in tree order; null for none. */
export function merkleRoot(leaves: readonly string[]): string | null {
  if (leaves.length === 0) return null;
  let level = [...leaves];
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** The root of changes in any order (they are sorted into tree order first). */
export function changesRoot(changes: readonly LeafChange[]): string | null {
  return merkleRoot([...changes].sort(compareLeafOrder).map(leafHash));
}

/** One step of a path: the sibling's digest and on which side of the running hash it stands. */
export interface PathStep {
  side: 'left' | 'right';
  hash: string;
}

/** The sibling digests from leaf `index` up to the root (a promoted odd node has no step at that level). */
export function merklePath(leaves: readonly string[], index: number): PathStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new Error(`merklePath: leaf ${index} is not one of the ${leaves.length} leaves`);
  const path: PathStep[] = [];
  let level = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) path.push({ side: i % 2 === 0 ? 'right' : 'left', hash: level[sibling] });
    const next: string[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? nodeHash(level[k], level[k + 1]) : level[k]);
    level = next;
    i = Math.floor(i / 2);
  }
  return path;
}

export function rootFromPath(leaf: string, path: readonly PathStep[]): string {
  return path.reduce((h, s) => (s.side === 'left' ? nodeHash(s.hash, h) : nodeHash(h, s.hash)), leaf);
}

/** The proof that `change` is one of an application's changes: its path to the root. */
export function cellProof(changes: readonly LeafChange[], rowId: number, column: string): { leaf: string; path: PathStep[]; root: string } {
  const sorted = [...changes].sort(compareLeafOrder);
  const index = sorted.findIndex((c) => c.row_id === rowId && c.column === column);
  if (index === -1) throw new Error(`cellProof: no change of row ${rowId} column ${column} in this rule application`);
  const leaves = sorted.map(leafHash);
  return { leaf: leaves[index], path: merklePath(leaves, index), root: merkleRoot(leaves)! };
}

/**
 * Whether `change` with `path` leads to the root that the signed chain's entry records. The
 * entry is a `cell_changes` entry (its payload's merkle_root); check the chain itself with
 * verifyChain or verifyBundle first, since this trusts the entry it is given.
 */
export function verifyCellProof(change: LeafChange, path: readonly PathStep[], entry: { kind: string; payload: Record<string, unknown> }): boolean {
  if (entry.kind !== CELL_CHANGES_KIND || typeof entry.payload.merkle_root !== 'string') return false;
  return rootFromPath(leafHash(change), path) === entry.payload.merkle_root;
}

export const CELL_CHANGES_KIND = 'cell_changes';
