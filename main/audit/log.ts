// The append-only, hash-chained audit log. Each entry's hash is SHA-256 over the previous
// entry's hash and the entry's own canonical JSON, so deleting, editing, reordering or inserting
// any entry breaks every hash after it, and verifyChain names the first entry that is wrong.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditKind =
  | 'stage' | 'gate' | 'contract' | 'drift' | 'ingest' | 'route' | 'reconcile' | 'alert'
  | 'cell_changes' | 'dedupe' | 'proposal' | 'decision' | 'promote' | 'release' | 'export' | 'idempotent'
  | 'replay' | 'recipe' | 'model' | 'undo';
// 'cell_change' (one entry per cell) is what logs before December 2026 hold: still read, never written.

export interface AuditEntry {
  seq: number;
  run_id: string | null;
  ts: string;
  kind: string;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** A cell-level change, as the handbook names its fields (the chain seals them per rule application: pipeline/auditChanges.ts). */
export interface CellChange {
  row_id: number;
  column: string;
  old: string | null;
  new: string | null;
  reason: string;
  confidence: number;
  rule: string;
  /** rule id, proposer and model file/sha where a model proposed it */
  version: string;
  timestamp: string;
}

export function entryHash(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({ seq: e.seq, run_id: e.run_id, ts: e.ts, kind: e.kind, payload: e.payload });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export interface NewAuditEntry {
  runId: string | null;
  kind: AuditKind;
  payload: Record<string, unknown>;
}

export class AuditLog {
  private readonly insert;
  private readonly last;

  constructor(private readonly db: Sqlite) {
    this.insert = db.prepare('INSERT INTO audit (seq, run_id, ts, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  }

  append(entry: NewAuditEntry): AuditEntry {
    return this.appendMany([entry])[0];
  }

  /** Appends entries in one transaction: all of them or none. */
  appendMany(entries: NewAuditEntry[]): AuditEntry[] {
    const tx = this.db.transaction((batch: NewAuditEntry[]) => {
      const tail = this.last.get() as { seq: number; hash: string } | undefined;
      let seq = tail?.seq ?? 0;
      let prev = tail?.hash ?? GENESIS_HASH;
      const ts = nowIso();
      const written: AuditEntry[] = [];
      for (const e of batch) {
        seq += 1;
        const base = { seq, run_id: e.runId, ts, kind: e.kind, payload: e.payload };
        const hash = entryHash(prev, base);
        this.insert.run(seq, e.runId, ts, e.kind, canonicalJson(e.payload), prev, hash);
        written.push({ ...base, prev_hash: prev, hash });
        prev = hash;
      }
      return written;
    });
    return tx(entries);
  }

  entries(runId?: string): AuditEntry[] {
    const rows = (runId
      ? this.db.prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY seq').all(runId)
      : this.db.prepare('SELECT * FROM audit ORDER BY seq').all()) as Array<Omit<AuditEntry, 'payload'> & { payload: string }>;
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  }

  /** Entries in a seq range, inclusive: a run's slice of the chain, unbroken. */
  range(fromSeq: number, toSeq: number): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit WHERE seq BETWEEN ? AND ? ORDER BY seq').all(fromSeq, toSeq) as Array<
      Omit<AuditEntry, 'payload'> & { payload: string }
    >;
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  }

  verify(): ChainVerdict {
    return verifyChain(this.entries());
  }
}

export type ChainVerdict = { ok: true; entries: number; head: string } | { ok: false; seq: number; index: number; reason: string };

/**
 * Verifies a contiguous slice of the chain. The first entry's prev_hash is taken as the anchor
 * (GENESIS for a whole log); every later link, and every entry's own hash, must hold.
 */
export function verifyChain(entries: AuditEntry[]): ChainVerdict {
  let prev = entries[0]?.prev_hash ?? GENESIS_HASH;
  let expectedSeq = entries[0]?.seq ?? 1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.seq !== expectedSeq) return { ok: false, seq: e.seq, index: i, reason: `entry ${i + 1} has seq ${e.seq}, expected ${expectedSeq} (an entry was removed, inserted or moved)` };
    if (e.prev_hash !== prev) return { ok: false, seq: e.seq, index: i, reason: `entry seq ${e.seq} does not link to the entry before it` };
    const h = entryHash(prev, e);
    if (h !== e.hash) return { ok: false, seq: e.seq, index: i, reason: `entry seq ${e.seq} was altered: its hash does not match its content` };
    prev = e.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: entries.length, head: prev };
}
