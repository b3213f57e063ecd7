// A promotion that fails after it has written (here: the store refuses its new summary once the
// fixed rows are in production) leaves the run as it was before it, in both stores: production, quarantine and
// the proposals put back from the before-image, nothing recorded in the history, no image left
// behind; the same promotion done again then succeeds. An undo that fails midway likewise.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSession } from '../../main/api/session.js';
import { runCalls } from '../../main/api/calls/runs.js';
import { reviewCalls } from '../../main/api/calls/review.js';
import { historyCalls } from '../../main/api/calls/history.js';
import { queryRows } from '../../main/store/duckdb.js';
import { imageTableCount } from '../../main/remediate/history.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: midway
name: midway
version: 1.0.0
schema:
  - name: midway
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: integer}
`;

let dir: string;
let session: EngineSession;
beforeAll(() => {
  dir = tempDir('promote-midway');
  session = new EngineSession({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'a', version: 'test', emit: () => undefined });
});
afterAll(async () => { await session?.close(); });

describe('a promotion that fails midway', () => {
  it('puts back what it wrote, records nothing, and can be done again', async () => {
    const contractPath = join(dir, 'c.odcs.yaml');
    writeFileSync(contractPath, CONTRACT);
    const file = join(dir, 'f.csv');
    writeFileSync(file, ['id,amount', '1,10', '2,x', '3,30'].join('\n'));
    const r = await runCalls(session).runFile({ file, contractPath, approval: { kind: 'none' }, useModels: false });
    const engine = await session.engine();
    const state = async () => ({
      prod: await queryRows(engine.duck.conn, 'SELECT id, amount FROM prod.midway ORDER BY id'),
      quarantine: await queryRows(engine.duck.conn, `SELECT _airlock_row_id AS id, amount FROM quarantine.midway WHERE _airlock_run_id = '${r.runId}' ORDER BY 1`),
      proposals: engine.sqlite.prepare('SELECT proposal_id, status FROM proposals WHERE run_id = ? ORDER BY proposal_id').all(r.runId),
      summary: (engine.sqlite.prepare('SELECT summary_json FROM runs WHERE run_id = ?').get(r.runId) as { summary_json: string }).summary_json,
    });
    const [q] = await queryRows<{ id: bigint }>(engine.duck.conn, `SELECT _airlock_row_id AS id FROM quarantine.midway WHERE _airlock_run_id = '${r.runId}'`);
    const p = await reviewCalls(session).editCells({ runId: r.runId, column: 'amount', cells: [{ rowId: Number(q.id), value: '20' }] });
    if (p.status === 'verified') await reviewCalls(session).decideProposal({ runId: r.runId, proposalId: p.id, decision: 'approve' });
    const before = await state();
    const opsBefore = (await historyCalls(session).reviewHistory({ runId: r.runId })).length;
    // the store refuses the promotion's new summary (as a full disk would), after the data moved
    engine.sqlite.exec(`CREATE TEMP TRIGGER fail_summary BEFORE UPDATE OF summary_json ON runs
      WHEN json_extract(NEW.summary_json, '$.quarantineRows') = 0 BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(reviewCalls(session).promoteReviewed({ runId: r.runId })).rejects.toThrow(/disk full/);
    engine.sqlite.exec('DROP TRIGGER fail_summary');
    expect(await state()).toEqual(before);
    expect((await historyCalls(session).reviewHistory({ runId: r.runId })).length).toBe(opsBefore);
    expect(await imageTableCount(engine.duck.conn)).toBe(0);
    const done = await reviewCalls(session).promoteReviewed({ runId: r.runId });
    expect(done.quarantineRows).toBe(0);
    const promoted = await state();
    expect(promoted.prod).toHaveLength(3);

    // an undo whose audit entry cannot be written changes neither store; done again, it is whole
    engine.sqlite.exec(`CREATE TEMP TRIGGER fail_undo BEFORE INSERT ON audit WHEN NEW.kind = 'undo' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(historyCalls(session).undoLast({ runId: r.runId })).rejects.toThrow(/disk full/);
    engine.sqlite.exec('DROP TRIGGER fail_undo');
    expect(await state()).toEqual(promoted);
    expect((await historyCalls(session).reviewHistory({ runId: r.runId })).filter((o) => o.undoneAt)).toEqual([]);
    await historyCalls(session).undoLast({ runId: r.runId });
    expect(await state()).toEqual(before);
    expect(await imageTableCount(engine.duck.conn)).toBe(0);
  }, 120_000);

  it('a later run marked failed whose rows are in production still makes the earlier review final', async () => {
    const contractPath = join(dir, 'c.odcs.yaml');
    const file = join(dir, 'g.csv');
    writeFileSync(file, ['id,amount', '11,10', '12,x'].join('\n'));
    const r = await runCalls(session).runFile({ file, contractPath, approval: { kind: 'none' }, useModels: false });
    const engine = await session.engine();
    const [q] = await queryRows<{ id: bigint }>(engine.duck.conn, `SELECT _airlock_row_id AS id FROM quarantine.midway WHERE _airlock_run_id = '${r.runId}'`);
    const p = await reviewCalls(session).editCells({ runId: r.runId, column: 'amount', cells: [{ rowId: Number(q.id), value: '20' }] });
    if (p.status === 'verified') await reviewCalls(session).decideProposal({ runId: r.runId, proposalId: p.id, decision: 'approve' });
    await reviewCalls(session).promoteReviewed({ runId: r.runId });
    const laterFile = join(dir, 'h.csv');
    writeFileSync(laterFile, ['id,amount', '12,99'].join('\n'));
    const later = await runCalls(session).runFile({ file: laterFile, contractPath, approval: { kind: 'none' }, useModels: false });
    // as a release whose final count does not balance leaves it: its rows promoted, the run 'failed'
    engine.sqlite.prepare("UPDATE runs SET status = 'failed' WHERE run_id = ?").run(later.runId);
    const prod = await queryRows(engine.duck.conn, 'SELECT id, amount, _airlock_run_id FROM prod.midway ORDER BY id');
    await expect(historyCalls(session).undoLast({ runId: r.runId })).rejects.toThrow(new RegExp(`run ${later.runId} of the same stream has written to production`));
    expect(await queryRows(engine.duck.conn, 'SELECT id, amount, _airlock_run_id FROM prod.midway ORDER BY id')).toEqual(prod);
  }, 120_000);
});
