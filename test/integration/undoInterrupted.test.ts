// An undo of a promotion writes two stores: DuckDB (the data, put back from its before-image)
// and SQLite (the run's proposals, summary, the operation marked undone, its audit entry). When
// SQLite's commit never happens after DuckDB's did (the process dies, or SQLite refuses the
// commit), the next engine must finish the undo: the data already stands as before the
// promotion, so the run's records are brought to the same point, audited. Checked here by a
// content hash of every stream table computed in plain SQL, and by the SQLite rows themselves.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSession } from '../../main/api/session.js';
import { runCalls } from '../../main/api/calls/runs.js';
import { reviewCalls } from '../../main/api/calls/review.js';
import { historyCalls } from '../../main/api/calls/history.js';
import { parseContract } from '../../main/contract/load.js';
import { queryRows } from '../../main/store/duckdb.js';
import { streamTables } from '../../main/store/tables.js';
import { imageTableCount } from '../../main/remediate/history.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');
const st = streamTables(parseContract(readFileSync(CONTRACT, 'utf8')));

let dir: string;
let ws: string;
const open = () => new EngineSession({ workspace: ws, modelsDir: join(dir, 'models'), analyst: 'a', version: 'test', emit: () => undefined });

async function digest(session: EngineSession): Promise<Record<string, string>> {
  const engine = await session.engine();
  const out: Record<string, string> = {};
  // The audited cells belong to the audit trail, append-only like the hash chain: undo keeps them.
  const { auditCells: _sealed, ...data } = st;
  for (const [name, t] of Object.entries(data)) {
    const [row] = await queryRows<{ n: bigint; h: string }>(engine.duck.conn, `SELECT count(*) AS n, coalesce(md5(string_agg(x, ',' ORDER BY x)), '') AS h
      FROM (SELECT md5(CAST(struct_pack(COLUMNS(c -> c <> 'ts')) AS VARCHAR)) AS x FROM ${t})`);
    out[name] = `${row.n}:${row.h}`;
  }
  return out;
}

const sqliteState = async (session: EngineSession, runId: string) => {
  const db = (await session.engine()).sqlite;
  return {
    proposals: db.prepare('SELECT * FROM proposals WHERE run_id = ? ORDER BY proposal_id').all(runId),
    recipes: db.prepare('SELECT * FROM recipes WHERE proposal_id IN (SELECT proposal_id FROM proposals WHERE run_id = ?) ORDER BY rowid').all(runId),
    run: db.prepare('SELECT status, summary_json FROM runs WHERE run_id = ?').get(runId),
  };
};

/** Undoes the run's last step while SQLite refuses the undo's commit once (after DuckDB's side committed). */
async function undoWithCommitRefused(session: EngineSession, runId: string): Promise<boolean> {
  const engine = await session.engine();
  const exec = engine.sqlite.exec.bind(engine.sqlite);
  let refused = false;
  engine.sqlite.exec = ((sql: string) => {
    if (sql === 'COMMIT' && !refused) { refused = true; throw new Error('disk I/O error'); }
    return exec(sql);
  }) as typeof engine.sqlite.exec;
  try {
    await expect(historyCalls(session).undoLast({ runId })).rejects.toThrow(/disk I\/O error/);
  } finally {
    engine.sqlite.exec = exec;
  }
  return refused;
}

beforeAll(() => {
  dir = tempDir('undo-interrupted');
  ws = join(dir, 'ws');
});

describe('an undo cut short between DuckDB and SQLite', () => {
  let session: EngineSession;
  afterAll(async () => { await session?.close(); });

  it('is finished by the next engine: data and records as before the promotion, audited', async () => {
    session = open();
    const file = join(dir, 'h.csv');
    writeFileSync(file, [LINES[0], ...LINES.slice(1, 301)].join('\n'));
    const r = await runCalls(session).runFile({ file, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
    const review = reviewCalls(session);
    for (const c of (await review.reviewState({ runId: r.runId })).clusters) {
      if (c.proposal?.status === 'verified') await review.decideProposal({ runId: r.runId, proposalId: c.proposal.id, decision: 'approve' });
    }
    const beforeData = await digest(session);
    const beforeRecords = await sqliteState(session, r.runId);
    await review.promoteReviewed({ runId: r.runId });
    const promoted = await digest(session);
    expect(promoted).not.toEqual(beforeData); // the promotion changed the data (the case is real)

    // SQLite refuses the undo's commit once, after DuckDB's side has committed.
    const engine = await session.engine();
    const refused = await undoWithCommitRefused(session, r.runId);
    expect(refused).toBe(true);
    // in between: the data is back, the records still say "promoted"
    expect(await digest(session)).toEqual(beforeData);
    expect((engine.sqlite.prepare('SELECT count(*) AS n FROM operations WHERE run_id = ? AND undone_at IS NULL').get(r.runId) as { n: number }).n).toBeGreaterThan(0);
    await session.close();

    // The next process: its first history call finishes the undo.
    session = open();
    const steps = await historyCalls(session).reviewHistory({ runId: r.runId });
    const promote = steps.find((o) => o.kind === 'promote')!;
    expect(promote.undoneAt).not.toBeNull();
    expect(promote.undoneBy).toBe('recovery');
    expect(await digest(session)).toEqual(beforeData);
    expect(await sqliteState(session, r.runId)).toEqual(beforeRecords);
    const e2 = await session.engine();
    expect(await imageTableCount(e2.duck.conn)).toBe(0);
    const undos = e2.sqlite.prepare(`SELECT payload FROM audit WHERE run_id = ? AND kind = 'undo'`).all(r.runId) as { payload: string }[];
    expect(undos.map((u) => JSON.parse(u.payload).operation)).toEqual([promote.opId]);
    // and a second look changes nothing more
    await historyCalls(session).reviewHistory({ runId: r.runId });
    expect(await digest(session)).toEqual(beforeData);
    expect(e2.sqlite.prepare(`SELECT count(*) AS n FROM audit WHERE run_id = ? AND kind = 'undo'`).get(r.runId)).toEqual({ n: 1 });
  }, 300_000);

  it('in the same process, a newer review step first finishes it, so the undo never overwrites that step', async () => {
    const file = join(dir, 'h2.csv');
    writeFileSync(file, [LINES[0], ...LINES.slice(301, 601)].join('\n'));
    const r = await runCalls(session).runFile({ file, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
    const review = reviewCalls(session);
    const verified = (await review.reviewState({ runId: r.runId })).clusters.map((c) => c.proposal).filter((p) => p?.status === 'verified');
    expect(verified.length).toBeGreaterThan(1);
    await review.decideProposal({ runId: r.runId, proposalId: verified[0]!.id, decision: 'approve' });
    const beforeData = await digest(session);
    await review.promoteReviewed({ runId: r.runId });
    const engine = await session.engine();
    expect(await undoWithCommitRefused(session, r.runId)).toBe(true);
    // the analyst goes on in the same session: a newer step, then the history
    await review.decideProposal({ runId: r.runId, proposalId: verified[1]!.id, decision: 'approve' });
    const status = (id: string) => (engine.sqlite.prepare('SELECT status FROM proposals WHERE proposal_id = ?').get(id) as { status: string }).status;
    expect(status(verified[1]!.id)).toBe('approved');
    const steps = await historyCalls(session).reviewHistory({ runId: r.runId });
    expect(status(verified[1]!.id)).toBe('approved');
    const promote = steps.find((o) => o.kind === 'promote')!;
    expect(promote.undoneBy).toBe('recovery');
    expect(steps[steps.length - 1].undoneAt).toBeNull(); // the newer approval stands
    expect(await digest(session)).toEqual(beforeData);
  }, 300_000);
});
