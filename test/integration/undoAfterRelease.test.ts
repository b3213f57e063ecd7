// A held batch's review (a hand edit approved and promoted while the quality gate held it) is
// final once the analyst has released or rejected the batch: undoing it then would put the run's
// status and summary back to "held" while production keeps what the release promoted, or delete
// the released rows. Undo is refused with the reason, and nothing changes.
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
id: gated
name: gated
version: 1.0.0
schema:
  - name: gated
    quality:
      - {metric: rowCount, mustBeLessThan: 3}
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: integer}
`;

let dir: string;
let session: EngineSession;

beforeAll(() => {
  dir = tempDir('undo-release');
  session = new EngineSession({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'a', version: 'test', emit: () => undefined });
});
afterAll(async () => { await session?.close(); });

async function heldRunWithPromotedEdit(name: string): Promise<string> {
  const contractPath = join(dir, 'gated.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  const file = join(dir, name);
  const base = name === 'one.csv' ? 0 : 100;
  writeFileSync(file, ['id,amount', ...Array.from({ length: 8 }, (_, i) => `${base + i + 1},${i === 2 ? 'x' : i * 10}`)].join('\n'));
  const r = await runCalls(session).runFile({ file, contractPath, approval: { kind: 'none' }, useModels: false });
  expect(r.status).toBe('held');
  const engine = await session.engine();
  const [q] = await queryRows<{ id: bigint }>(engine.duck.conn, `SELECT _airlock_row_id AS id FROM quarantine.gated WHERE _airlock_run_id = '${r.runId}'`);
  const p = await reviewCalls(session).editCells({ runId: r.runId, column: 'amount', cells: [{ rowId: Number(q.id), value: '20' }] });
  if (p.status === 'verified') await reviewCalls(session).decideProposal({ runId: r.runId, proposalId: p.id, decision: 'approve' });
  await reviewCalls(session).promoteReviewed({ runId: r.runId });
  return r.runId;
}

const prodRows = async () => queryRows<{ id: number; amount: number; run: string }>((await session.engine()).duck.conn, 'SELECT id, amount, _airlock_run_id AS run FROM prod.gated ORDER BY id');

describe('undo after the held batch was decided', () => {
  it('after a release: refused, production and the run as released', async () => {
    const runId = await heldRunWithPromotedEdit('one.csv');
    expect((await historyCalls(session).reviewHistory({ runId })).map((o) => o.undoable)).toEqual([true, true, true]);
    const released = await runCalls(session).releaseRun({ runId });
    // the history panel offers no undo it would refuse
    expect((await historyCalls(session).reviewHistory({ runId })).filter((o) => o.kind !== 'recipe').map((o) => o.undoable)).toEqual([false, false, false]);
    // final for good: the promotion's before-image is dropped
    expect(await imageTableCount((await session.engine()).duck.conn)).toBe(0);
    expect(released.status).toBe('completed');
    const prod = await prodRows();
    expect(prod.length).toBe(8);
    await expect(historyCalls(session).undoLast({ runId })).rejects.toThrow(/released/);
    await expect(historyCalls(session).revertTo({ runId, opId: null })).rejects.toThrow(/released/);
    expect(await prodRows()).toEqual(prod);
    expect((await runCalls(session).getRun({ runId })).summary.status).toBe('completed');
  }, 120_000);

  it('after a rejection: refused, the run stays rejected', async () => {
    const runId = await heldRunWithPromotedEdit('two.csv');
    const before = await prodRows();
    const rejected = await runCalls(session).rejectRun({ runId });
    expect(rejected.status).toBe('rejected');
    await expect(historyCalls(session).undoLast({ runId })).rejects.toThrow(/rejected/);
    expect(await prodRows()).toEqual(before);
    expect((await runCalls(session).getRun({ runId })).summary.status).toBe('rejected');
  }, 120_000);
});
