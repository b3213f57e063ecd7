// The Merkle tree of a rule application's cell changes: its definition (hand-built roots), the
// SQL twin against the JavaScript one, determinism, cell proofs, and a property test that any
// single mutation of a change set moves the root.
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cellProof, changesRoot, leafEncoding, leafHash, merklePath, merkleRoot, nodeHash, verifyCellProof, CELL_CHANGES_KIND, type LeafChange,
} from '../../main/audit/merkle.js';
import { auditLeavesSql, protectOtherValues, reduceMerkleLevels } from '../../main/audit/merkleSql.js';
import { PiiProtector, piiToken } from '../../main/audit/pii.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { queryRows } from '../../main/store/duckdb.js';
import { tempDir } from '../helpers/tmp.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['', 'a', 'ab', 'é', 'x:y', '1:a', '-', 'Main St', '日本', 'null'];
function randomChange(rnd: () => number, rowId: number, column: string): LeafChange {
  const pick = () => (rnd() < 0.1 ? null : WORDS[Math.floor(rnd() * WORDS.length)] + (rnd() < 0.5 ? String(Math.floor(rnd() * 100)) : ''));
  return { row_id: rowId, column, old: pick(), new: pick(), reason: 'BAD_FORMAT', rule: `r${Math.floor(rnd() * 3)}`, confidence: rnd() < 0.5 ? '0.9' : '1.0', proposer: 'synth', ts: '2026-12-03T10:00:00.000Z' };
}
function randomSet(rnd: () => number, n: number): LeafChange[] {
  const out: LeafChange[] = [];
  let row = 0;
  while (out.length < n) {
    row += 1 + Math.floor(rnd() * 3);
    for (const col of ['a', 'b', 'é']) if (out.length < n && rnd() < 0.6) out.push(randomChange(rnd, row, col));
  }
  return out;
}

describe('Merkle tree definition', () => {
  const leaves = Array.from({ length: 7 }, (_, i) => leafHash({ row_id: i, column: 'c', old: 'o', new: 'n', reason: 'r', rule: 'x', confidence: '1.0', proposer: 'p', ts: 't' }));
  const [a, b, c, d, e, f, g] = leaves;

  it('builds the roots of 1, 2, 3 and 7 leaves as written in merkle.ts (odd node promoted)', () => {
    expect(merkleRoot([])).toBeNull();
    expect(merkleRoot([a])).toBe(a);
    expect(merkleRoot([a, b])).toBe(nodeHash(a, b));
    expect(merkleRoot([a, b, c])).toBe(nodeHash(nodeHash(a, b), c));
    expect(merkleRoot(leaves)).toBe(nodeHash(nodeHash(nodeHash(a, b), nodeHash(c, d)), nodeHash(nodeHash(e, f), g)));
    // a promoted odd node is not duplicated: [a,b,c] and [a,b,c,c] differ
    expect(merkleRoot([a, b, c])).not.toBe(merkleRoot([a, b, c, c]));
  });

  it('encodes fields with their lengths, so that shifting text between fields changes the leaf', () => {
    const base = { row_id: 1, column: 'c', reason: 'r', rule: 'x', confidence: '1.0', proposer: 'p', ts: 't' };
    expect(leafEncoding({ ...base, old: 'ab', new: 'c' })).not.toBe(leafEncoding({ ...base, old: 'a', new: 'bc' }));
    expect(leafHash({ ...base, old: null, new: 'x' })).not.toBe(leafHash({ ...base, old: '', new: 'x' }));
    expect(leafHash({ ...base, old: '-', new: 'x' })).not.toBe(leafHash({ ...base, old: null, new: 'x' }));
    // a leaf is never a node: its digest is over a 0x00-prefixed encoding
    expect(leafHash({ ...base, old: 'a', new: 'b' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: the order changes are given in does not matter', () => {
    const set = randomSet(rng(1), 50);
    const shuffled = [...set].sort(() => 0.5 - Math.random());
    expect(changesRoot(shuffled)).toBe(changesRoot(set));
  });
});

describe('cell proofs', () => {
  it('every leaf of trees of 1, 2, 3, 7 and 1000 leaves proves against its root; any altered sibling fails', () => {
    for (const n of [1, 2, 3, 7, 1000]) {
      const set = randomSet(rng(n), n);
      const root = changesRoot(set)!;
      const entry = { kind: CELL_CHANGES_KIND, payload: { merkle_root: root } };
      const probes = n <= 7 ? set : [set[0], set[499], set[998], set[999]];
      for (const ch of probes) {
        const proof = cellProof(set, ch.row_id, ch.column);
        expect(proof.root).toBe(root);
        expect(verifyCellProof(ch, proof.path, entry)).toBe(true);
        for (let s = 0; s < proof.path.length; s++) {
          const flipped = proof.path.map((p, k) => (k === s ? { ...p, hash: `${p.hash[0] === '0' ? '1' : '0'}${p.hash.slice(1)}` } : p));
          expect(verifyCellProof(ch, flipped, entry)).toBe(false);
          const sideSwapped = proof.path.map((p, k) => (k === s ? { ...p, side: p.side === 'left' ? 'right' as const : 'left' as const } : p));
          expect(verifyCellProof(ch, sideSwapped, entry)).toBe(false);
        }
        expect(verifyCellProof(ch, proof.path.slice(0, -1), entry)).toBe(n === 1);
      }
      if (n === 1000) expect(merklePath(set.map(leafHash), 0)).toHaveLength(10);
    }
  });

  it('altering any field of the change fails its proof', () => {
    const set = randomSet(rng(9), 7);
    const ch = set[3];
    const proof = cellProof(set, ch.row_id, ch.column);
    const entry = { kind: CELL_CHANGES_KIND, payload: { merkle_root: proof.root } };
    const altered: LeafChange[] = [
      { ...ch, row_id: ch.row_id + 1 }, { ...ch, column: `${ch.column}x` }, { ...ch, old: `${ch.old ?? ''}x` }, { ...ch, new: ch.new === null ? '' : null },
      { ...ch, reason: 'OTHER' }, { ...ch, rule: 'r9' }, { ...ch, confidence: '0.5' }, { ...ch, proposer: 'analyst' }, { ...ch, ts: 'later' },
    ];
    for (const a of altered) expect(verifyCellProof(a, proof.path, entry)).toBe(false);
    expect(verifyCellProof(ch, proof.path, { kind: 'cell_change', payload: { merkle_root: proof.root } })).toBe(false);
  });
});

describe('property: any single mutation of a change set moves the root', () => {
  it('holds for 300 random change sets', () => {
    const rnd = rng(42);
    const fields = ['row_id', 'column', 'old', 'new', 'reason', 'rule', 'confidence', 'proposer', 'ts'] as const;
    for (let t = 0; t < 300; t++) {
      const set = randomSet(rnd, 1 + Math.floor(rnd() * 40));
      const root = changesRoot(set);
      const k = Math.floor(rnd() * set.length);
      const mutated = set.map((c) => ({ ...c }));
      const what = Math.floor(rnd() * 3);
      if (what === 0) {
        mutated.splice(k, 1); // removed
        expect(changesRoot(mutated)).not.toBe(root);
      } else if (what === 1) {
        mutated.push({ ...set[k], row_id: set[set.length - 1].row_id + 1 }); // added
        expect(changesRoot(mutated)).not.toBe(root);
      } else {
        const f = fields[Math.floor(rnd() * fields.length)];
        const c = mutated[k] as unknown as Record<string, unknown>;
        c[f] = f === 'row_id' ? Number(c[f]) + 0.5 : c[f] === null ? '' : `${String(c[f])}~`;
        expect(changesRoot(mutated), `field ${f} of change ${k} of ${set.length}`).not.toBe(root);
      }
    }
  });
});

describe('the tree in DuckDB', () => {
  let conn: DuckDBConnection;
  const secret = Buffer.alloc(32, 5);
  const pii = new PiiProtector(openSqlite(join(tempDir('merkle'), 'a.sqlite')), secret);
  beforeAll(async () => {
    conn = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => conn.closeSync());

  async function sqlRoots(changes: LeafChange[], piiCols = new Map<string, 'email' | 'name'>()) {
    await conn.run('CREATE OR REPLACE TABLE ch (run_id VARCHAR, row_id BIGINT, "column" VARCHAR, old_value VARCHAR, new_value VARCHAR, reason VARCHAR, rule VARCHAR, confidence DOUBLE, proposer VARCHAR, ts VARCHAR)');
    const app = await conn.createAppender('ch');
    // appended in reverse: the tree's order must come from the SQL, not the insertion order
    for (const c of [...changes].reverse()) {
      app.appendVarchar('run'); app.appendBigInt(BigInt(c.row_id)); app.appendVarchar(c.column);
      for (const v of [c.old, c.new, c.reason, c.rule]) if (v === null) app.appendNull(); else app.appendVarchar(v);
      app.appendDouble(Number(c.confidence)); app.appendVarchar(c.proposer!); app.appendVarchar(c.ts!); app.endRow();
    }
    app.closeSync();
    await conn.run(`CREATE OR REPLACE TEMP TABLE lv AS ${auditLeavesSql('ch', piiCols, (v, k) => pii.sqlToken(v, k))}`);
    await protectOtherValues(conn, 'lv', (v) => pii.protectValues(v));
    return reduceMerkleLevels(conn, 'lv');
  }

  it('gives the same roots as the JavaScript twin for 1, 2, 3, 7 and 1000 leaves, per rule application', async () => {
    for (const n of [1, 2, 3, 7, 1000]) {
      const set = randomSet(rng(100 + n), n);
      const roots = await sqlRoots(set);
      for (const r of roots) {
        const mine = set.filter((c) => c.rule === r.rule);
        expect(r.cells).toBe(mine.length);
        expect(r.root, `${n} leaves, rule ${r.rule}`).toBe(changesRoot(mine));
      }
      expect(roots.reduce((k, r) => k + r.cells, 0)).toBe(n);
    }
  });

  it("tokenises pii columns' values with the same keyed token as piiToken, and hashes the tokens", async () => {
    const set: LeafChange[] = [
      { row_id: 1, column: 'email', old: 'Jane@Example.com ', new: 'jane@example.com', reason: 'R', rule: 'r', confidence: '1.0', proposer: 'p', ts: 't' },
      { row_id: 1, column: 'note', old: 'bob@example.org', new: 'x', reason: 'R', rule: 'r', confidence: '1.0', proposer: 'p', ts: 't' },
      { row_id: 2, column: 'email', old: '  ', new: null, reason: 'R', rule: 'r', confidence: '1.0', proposer: 'p', ts: 't' },
    ];
    const [root] = await sqlRoots(set, new Map([['email', 'email']]));
    const rows = await queryRows<{ old_value: string | null; new_value: string | null }>(conn, 'SELECT old_value, new_value FROM lv ORDER BY row_id, "column"');
    expect(rows).toEqual([
      { old_value: piiToken(secret, 'Jane@Example.com ', 'email'), new_value: piiToken(secret, 'jane@example.com', 'email') },
      { old_value: piiToken(secret, 'bob@example.org', 'email'), new_value: 'x' },
      { old_value: '  ', new_value: null },
    ]);
    const shipped = set.map((c, i) => ({ ...c, old: rows[i].old_value, new: rows[i].new_value }));
    expect(root.root).toBe(changesRoot(shipped));
  });
  it('keeps personal values of other columns out of the audit form, as the per-cell path did (IBAN, card, phone, an e-mail in text)', async () => {
    // protectChange (the per-cell path this replaced) tokenised every whole value detectPiiKind
    // knows and scrubbed personal spans inside text, in any column; the SQL audit form only knows
    // whole e-mails and SSNs, so these ship in clear in changes.jsonl.
    const clear = ['DE89370400440532013000', '4111 1111 1111 1111', '+1 415 555 0132', 'write to bob@example.org please'];
    const set: LeafChange[] = clear.map((old, i) => ({ row_id: i + 1, column: 'note', old, new: 'x', reason: 'R', rule: 'r', confidence: '1.0', proposer: 'p', ts: 't' }));
    await sqlRoots(set);
    const rows = await queryRows<{ old_value: string }>(conn, 'SELECT old_value FROM lv ORDER BY row_id');
    for (const [i, v] of clear.entries()) {
      expect(pii.protectChange({ row_id: i + 1, column: 'note', old: v, new: 'x', reason: 'R', rule: 'r', confidence: 1, version: 'p', timestamp: 't' }).old).not.toBe(v);
      expect(rows[i].old_value, v).not.toBe(v);
    }
    // and the leaves hash what ships
    const [root] = await reduceMerkleLevels(conn, 'lv');
    const shipped = await queryRows<LeafChange & { row_id: number }>(conn, 'SELECT row_id, "column", old_value AS old, new_value AS new, reason, rule, confidence, proposer, ts FROM lv');
    expect(root.root).toBe(changesRoot(shipped.map((c) => ({ ...c, row_id: Number(c.row_id) }))));
  });
});
