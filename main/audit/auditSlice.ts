// A run's own entries of the workspace's hash chain. Other runs' entries can sit between them
// (an export or a release of another run), so the run's entries form a few contiguous ranges of
// the chain. The bundle ships only the run's entries and the signed statement pins each range
// (first seq, last seq, and the hash the range links to), so every link inside a range is checked,
// an entry removed, added or moved anywhere is named, and each entry's hash can be matched against
// the workspace's chain by an auditor who has it.
import { entryHash, type AuditEntry } from './log.js';

/** [first seq, last seq, prev_hash of the first entry] of one contiguous range. */
export type AuditRange = [number, number, string];

export function auditRanges(entries: AuditEntry[]): AuditRange[] {
  const ranges: AuditRange[] = [];
  for (const e of entries) {
    const last = ranges[ranges.length - 1];
    if (last && e.seq === last[1] + 1) last[1] = e.seq;
    else ranges.push([e.seq, e.seq, e.prev_hash]);
  }
  return ranges;
}

export type SliceVerdict = { ok: true; entries: number; head: string | null } | { ok: false; index: number; reason: string };

/**
 * Checks that `entries` are exactly the pinned ranges, in order: the seq each line must have,
 * each range's first entry linking to its pinned hash, every later entry to the one before it,
 * and every entry's own hash over its content.
 */
export function verifyAuditSlice(entries: AuditEntry[], ranges: AuditRange[], runId?: string): SliceVerdict {
  const expectedTotal = ranges.reduce((n, [lo, hi]) => n + (hi - lo + 1), 0);
  let r = 0;
  let expectedSeq = ranges[0]?.[0];
  let prev: string | undefined = ranges[0]?.[2];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (expectedSeq === undefined) return { ok: false, index: i, reason: `not in the signed statement, which records ${expectedTotal} entries` };
    if (e.seq !== expectedSeq) return { ok: false, index: i, reason: `entry ${i + 1} has seq ${e.seq}, expected ${expectedSeq} (an entry was removed, inserted or moved)` };
    if (e.prev_hash !== prev) return { ok: false, index: i, reason: `entry seq ${e.seq} does not link to the entry before it` };
    if (entryHash(e.prev_hash, e) !== e.hash) return { ok: false, index: i, reason: `entry seq ${e.seq} was altered: its hash does not match its content` };
    if (runId !== undefined && e.run_id !== runId) return { ok: false, index: i, reason: `entry seq ${e.seq} belongs to run ${String(e.run_id)}, not to run ${runId}` };
    prev = e.hash;
    if (e.seq === ranges[r][1]) {
      r += 1;
      expectedSeq = ranges[r]?.[0];
      prev = ranges[r]?.[2];
    } else {
      expectedSeq += 1;
    }
  }
  if (entries.length < expectedTotal) return { ok: false, index: entries.length, reason: `missing: the signed statement records ${expectedTotal} entries, the file has ${entries.length}` };
  return { ok: true, entries: entries.length, head: entries.length > 0 ? entries[entries.length - 1].hash : null };
}
