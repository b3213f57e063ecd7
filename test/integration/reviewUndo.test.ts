// Undo and revert of a run's review, exact: after approvals, a rejection, an edit and a promotion
// on a real hospital run, undoing the promotion puts production, history, quarantine, violations,
// cell changes and staged values back as they were (compared by a content hash of every table,
// computed here in plain SQL, not by the code under test), and "revert to here" also restores
// every proposal. The audit chain keeps every step and its undo. A later run of the same stream
// on top makes the earlier review final: undo is refused, with the reason.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSession } from '../../main/api/session.js';
import { runCalls } from '../../main/api/calls/runs.js';
import { reviewCalls } from '../../main/api/calls/review.js';
import { historyCalls } from '../../main/api/calls/history.js';
import { auditCalls } from '../../main/api/calls/audit.js';
import { parseContract } from '../../main/contract/load.js';
import { queryRows } from '../../main/store/duckdb.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { imageTableCount } from '../../main/remediate/history.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');
const st = streamTables(parseContract(readFileSync(CONTRACT, 'utf8')));

let dir: string;
let session: EngineSession;
let runs: ReturnType<typeof runCalls>;
let review: ReturnType<typeof reviewCalls>;
let history: ReturnType<typeof historyCalls>;
let runId: string;

const slice = (name: string, from: number, to: number) => {
  const p = join(dir, name);
  writeFileSync(p, [LINES[0], ...LINES.slice(from, to)].join('\n'));
  return p;
};

/** A content hash of every table the stream and the run keep, row order aside; `ts` columns left out. */
async function digest(): Promise<Record<string, string>> {
  const engine = await session.engine();
  // The audited cells are the audit trail's, append-only like the hash chain: an undo keeps them.
  const { auditCells: _sealed, ...data } = st;
  const tables = { ...data, stage: runTables(runId).stage };
  const out: Record<string, string> = {};
  for (const [name, t] of Object.entries(tables)) {
    const [row] = await queryRows<{ n: bigint; h: string }>(engine.duck.conn, `SELECT count(*) AS n, coalesce(md5(string_agg(x, ',' ORDER BY x)), '') AS h
      FROM (SELECT md5(CAST(struct_pack(COLUMNS(c -> c <> 'ts')) AS VARCHAR)) AS x FROM ${t})`);
    out[name] = `${row.n}:${row.h}`;
  }
  return out;
}

async function proposalsTable(): Promise<unknown[]> {
  return (await session.engine()).sqlite.prepare('SELECT * FROM proposals WHERE run_id = ? ORDER BY proposal_id').all(runId);
}

beforeAll(async () => {
  dir = tempDir('review-undo');
  session = new EngineSession({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'undo-analyst', version: 'test', emit: () => undefined });
  runs = runCalls(session);
  review = reviewCalls(session);
  history = historyCalls(session);
  const r = await runs.runFile({ file: slice('first.csv', 1, 301), contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
  runId = r.runId;
}, 180_000);

afterAll(async () => {
  await session?.close();
});

describe('undo and revert of a review', () => {
  it('undoes a promotion exactly, and revert to the start restores every proposal too', async () => {
    const atStart = await digest();
    const proposalsAtStart = await proposalsTable();
    const state = await review.reviewState({ runId });
    const verified = state.clusters.map((c) => c.proposal).filter((p) => p?.status === 'verified');
    expect(verified.length).toBeGreaterThan(3);
    await review.decideProposal({ runId, proposalId: verified[0]!.id, decision: 'approve' });
    await review.decideProposal({ runId, proposalId: verified[1]!.id, decision: 'approve' });
    await review.decideProposal({ runId, proposalId: verified[2]!.id, decision: 'reject' });
    const map = verified.find((p, i) => i > 2 && p!.kind === 'map');
    if (map && map.rule.kind === 'map') await review.editMap({ runId, proposalId: map.id, entries: map.rule.entries.map((e, i) => ({ from: e.from, to: e.to, enabled: i > 0 || map.rule.kind !== 'map' || map.rule.entries.length === 1 })) });
    const beforePromote = await digest();
    expect(beforePromote).toEqual(atStart); // decisions change no data
    const proposalsBeforePromote = await proposalsTable();
    const promoted = await review.promoteReviewed({ runId });
    expect(promoted.badges.reconciled).toBe(true);
    // one final count, the new one (not a second 'final' row after the run's own)
    expect(promoted.reconciliation.filter((r) => r.stage === 'final')).toEqual([expect.objectContaining({ quarantineRows: promoted.quarantineRows })]);
    const afterPromote = await digest();
    expect(afterPromote.prod).not.toEqual(atStart.prod);
    expect(afterPromote.quarantine).not.toEqual(atStart.quarantine);
    // the audit timeline: one line per rule for the promotion's cell changes, every change counted
    const audit = await auditCalls(session).auditLog({ runId, limit: 20_000 });
    const cellLines = audit.entries.filter((e) => e.kind === 'cell_changes');
    expect(cellLines.length).toBe(audit.counts.cell_changes);
    expect(audit.counts.cell_change).toBeUndefined();
    const [sealed] = await queryRows<{ n: bigint }>((await session.engine()).duck.conn, `SELECT count(*) AS n FROM ${st.auditCells} WHERE run_id = '${runId}'`);
    expect(cellLines.reduce((n, e) => n + (e.cells ?? 0), 0)).toBe(Number(sealed.n));
    expect(Number(sealed.n)).toBeGreaterThan(cellLines.length);
    expect(cellLines.every((e) => /^[\d,]+ cells of .+ changed by /.test(e.summary))).toBe(true);

    const ops = await history.reviewHistory({ runId });
    expect(ops.map((o) => o.kind)).toEqual(['approve', 'approve', 'reject', ...(map ? ['edit'] : []), 'promote']);
    expect(ops.every((o) => o.by === 'undo-analyst' && o.undoneAt === null)).toBe(true);
    expect(ops[ops.length - 1].label).toMatch(/^Promoted the approved fixes: \d+ rows left in quarantine$/);

    const undone = await history.undoLast({ runId });
    expect(undone.undone).toEqual([ops[ops.length - 1].opId]);
    expect(await digest()).toEqual(beforePromote);
    expect(await proposalsTable()).toEqual(proposalsBeforePromote);
    expect(undone.run.badges.reconciled).toBe(true);
    expect(undone.run.quarantineRows).toBe((await runs.getRun({ runId })).summary.quarantineRows);

    // promoting again gives the same data as the first time
    await review.promoteReviewed({ runId });
    expect(await digest()).toEqual(afterPromote);

    const reverted = await history.revertTo({ runId, opId: null });
    expect(reverted.undone.length).toBe(ops.length); // the second promotion and every step before the first
    expect(await digest()).toEqual(atStart);
    expect(await proposalsTable()).toEqual(proposalsAtStart);
    expect(await imageTableCount((await session.engine()).duck.conn)).toBe(0);
    const engine = await session.engine();
    expect(engine.audit.verify().ok).toBe(true);
    expect(engine.audit.entries(runId).filter((e) => e.kind === 'undo')).toHaveLength(ops.length + 1);
  }, 180_000);

  it('revert to a step keeps that step and everything before it', async () => {
    const state = await review.reviewState({ runId });
    const verified = state.clusters.map((c) => c.proposal).filter((p) => p?.status === 'verified');
    await review.decideProposal({ runId, proposalId: verified[0]!.id, decision: 'approve' });
    const afterFirst = await proposalsTable();
    const data = await digest();
    await review.decideProposal({ runId, proposalId: verified[1]!.id, decision: 'approve' });
    await review.promoteReviewed({ runId });
    const open = (await history.reviewHistory({ runId })).filter((o) => !o.undoneAt);
    expect(open.map((o) => o.kind)).toEqual(['approve', 'approve', 'promote']);
    await history.revertTo({ runId, opId: open[0].opId });
    expect(await proposalsTable()).toEqual(afterFirst);
    expect(await digest()).toEqual(data);
    await expect(history.revertTo({ runId, opId: open[2].opId })).rejects.toThrow(/was undone already/);
  }, 180_000);

  it('a promotion that replaced production rows of an earlier run: undo brings those rows back from history', async () => {
    // A second workspace: the clean table's first 300 rows are in production; then the dirty
    // delivery of the same keys, whose reviewed fixes replace those rows.
    const other = new EngineSession({ workspace: join(dir, 'ws2'), modelsDir: join(dir, 'models'), analyst: 'undo-analyst', version: 'test', emit: () => undefined });
    const [keep, keepRun] = [session, runId];
    session = other;
    try {
      const clean = readFileSync(join(SHARED, 'bench', 'hospital', 'clean.csv'), 'utf8').split('\n');
      const cleanFile = join(dir, 'clean-300.csv');
      // the clean table names its columns differently: the dirty file's header over the clean rows
      writeFileSync(cleanFile, [LINES[0], ...clean.slice(1, 301)].join('\n'));
      const r2 = runCalls(other);
      const rv2 = reviewCalls(other);
      const h2 = historyCalls(other);
      const first = await r2.runFile({ file: cleanFile, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
      expect(first.status).toBe('completed');
      const dirty = await r2.runFile({ file: slice('dirty-300.csv', 1, 301), contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
      runId = dirty.runId;
      const before = await digest();
      const engine = await other.engine();
      const superseded = async () => Number((await queryRows<{ n: bigint }>(engine.duck.conn, `SELECT count(*) AS n FROM ${st.history} WHERE _airlock_superseded_by = '${runId}'`))[0].n);
      const supersededBefore = await superseded();
      for (const c of (await rv2.reviewState({ runId })).clusters) {
        if (c.proposal?.status === 'verified') await rv2.decideProposal({ runId, proposalId: c.proposal.id, decision: 'approve' });
      }
      await rv2.promoteReviewed({ runId });
      // the promotion did move rows of the clean run to history (the case under test is real)
      expect(await superseded()).toBeGreaterThan(supersededBefore);
      await h2.undoLast({ runId });
      expect(await digest()).toEqual(before);
      expect(await superseded()).toBe(supersededBefore);
    } finally {
      await other.close();
      session = keep;
      runId = keepRun;
    }
  }, 180_000);

  it('nothing to undo, or a later run of the stream on top: refused with the reason, nothing changed', async () => {
    await history.revertTo({ runId, opId: null });
    await expect(history.undoLast({ runId })).rejects.toThrow(/has nothing to undo/);
    const state = await review.reviewState({ runId });
    const p = state.clusters.map((c) => c.proposal).find((x) => x?.status === 'verified')!;
    await review.decideProposal({ runId, proposalId: p.id, decision: 'approve' });
    await review.promoteReviewed({ runId });
    const later = await runs.runFile({ file: slice('second.csv', 301, 401), contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false });
    expect(later.status).toBe('completed');
    const data = await digest();
    await expect(history.undoLast({ runId })).rejects.toThrow(new RegExp(`run ${later.runId} of the same stream has written to production since ${runId}`));
    expect(await digest()).toEqual(data);
    expect((await history.reviewHistory({ runId })).filter((o) => o.kind !== 'recipe').every((o) => !o.undoable)).toBe(true);
    // the step is final: its before-image (a copy of the run's quarantine) is dropped, not kept forever
    expect(await imageTableCount((await session.engine()).duck.conn)).toBe(0);
    // A later run marked failed after it wrote (a release whose final count did not balance) still
    // has rows in production: undo is refused, and the history panel must not offer it either.
    const engine = await session.engine();
    engine.sqlite.prepare(`UPDATE runs SET status = 'failed' WHERE run_id = ?`).run(later.runId);
    expect((await history.reviewHistory({ runId })).filter((o) => o.kind !== 'recipe' && !o.undoneAt).length).toBeGreaterThan(0);
    expect((await history.reviewHistory({ runId })).filter((o) => o.kind !== 'recipe').every((o) => !o.undoable)).toBe(true);
    await expect(history.undoLast({ runId })).rejects.toThrow(new RegExp(`run ${later.runId} of the same stream has written to production since ${runId}`));
    expect(await digest()).toEqual(data);
  }, 180_000);
});
