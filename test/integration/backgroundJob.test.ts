// The app's remediation job in the background (issue 13): runFile with background answers with
// the fast lane ('remediating') and the job goes on in the session, on a DuckDB connection of its
// own, reporting 'job' events. A second file is vaulted and counted while the first one's job runs
// and waits for it before its first write; cancelling the job undoes its run; closing the app leaves the job
// pending and opening the workspace again resumes it. Every case ends with production's content
// equal to the same files run one after the other in the foreground in another workspace (hashed
// here in plain SQL), the audit chain intact, and no run or job left open.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../main/api/handlers.js';
import type { RunView } from '../../main/api/contract.js';
import { openEngine } from '../../main/pipeline/context.js';
import { queryValue } from '../../main/store/duckdb.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { jobIn, recordingHandlers, storeOf, value, waitForEvent, type EngineEvent } from '../helpers/jobEvents.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');

let dir: string;
let first: string;
let second: string;
/** production's content after the two files run one after the other, in the foreground */
let reference: { one: string; both: string };



const runOf = (h: Handlers, file: string, background: boolean) =>
  h.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false, background }).then(value);

/** Production's content, every column but the run id (which differs between workspaces). */
async function productionOf(ws: string): Promise<string> {
  const engine = await openEngine(ws, [], { create: false });
  try {
    return String(await queryValue(engine.duck.conn, `SELECT count(*) || ':' || md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)))
      FROM (SELECT * EXCLUDE (_airlock_run_id) FROM prod."hospital") t`));
  } finally {
    engine.close();
  }
}

/** Runs and jobs as the store holds them, read apart from the engine. */

/** Resolves with the first event that `match` accepts (or fails the test after a while). */

async function chainOk(h: Handlers): Promise<boolean> {
  return value(await h.table.auditLog({ limit: 1 })).chain.ok;
}

beforeAll(async () => {
  dir = tempDir('background-job');
  // Two files of one stream: the second brings new rows and more failures to fix.
  first = join(dir, 'first.csv');
  second = join(dir, 'second.csv');
  writeFileSync(first, [LINES[0], ...LINES.slice(1, 401)].join('\n'));
  writeFileSync(second, [LINES[0], ...LINES.slice(401, 801)].join('\n'));
  const ws = join(dir, 'ws-reference');
  const h = recordingHandlers(ws, join(dir, 'no-models'));
  try {
    expect((await runOf(h, first, false)).status).toBe('completed');
  } finally {
    await h.close();
  }
  const one = await productionOf(ws);
  const h2 = recordingHandlers(ws, join(dir, 'no-models'));
  try {
    expect((await runOf(h2, second, false)).status).toBe('completed');
  } finally {
    await h2.close();
  }
  reference = { one, both: await productionOf(ws) };
  expect(reference.one).not.toBe(reference.both);
}, 600_000);

describe('the remediation job in the background', () => {
  it('answers with the fast lane; a second file is vaulted while the job runs and waits for it; production as in the foreground', async () => {
    const ws = join(dir, 'ws-two');
    const events: EngineEvent[] = [];
    // The second file is dropped while the first one's job reports its first progress.
    let b: Promise<RunView> | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !b) b = runOf(h, second, true);
    });
    try {
      const a = await runOf(h, first, true);
      expect(a.status).toBe('remediating');
      expect(a.badges.headline).toMatch(/^Remediating: /);
      expect(a.quarantineRows).toBeGreaterThan(0);
      // The job is the store's, not done, when the answer comes.
      expect(storeOf(ws).jobs).toEqual([{ run_id: a.runId, state: expect.stringMatching(/^(pending|running)$/) }]);
      // The second run vaults its file before the first job has ended, then waits for it.
      const waiting = await waitForEvent(events, (e) => e.name === 'progress' && e.p.runId !== a.runId && /waiting for the remediation of/.test(e.p.message), 'waiting');
      expect(waiting.name === 'progress' && waiting.p.message).toBe(`second.csv is in the vault; waiting for the remediation of ${a.runId} to finish`);
      const bDone = await (b as Promise<RunView> | null)!;
      expect(bDone.status).toBe('remediating');
      await waitForEvent(events, jobIn(bDone.runId, 'done'), 'second job done');
      // Order: the first job ended before the second run went on past its ingest.
      const firstDone = events.findIndex(jobIn(a.runId, 'done'));
      const secondValidates = events.findIndex((e) => e.name === 'progress' && e.p.runId === bDone.runId && e.p.stage === 'validate' && !/waiting/.test(e.p.message));
      expect(firstDone).toBeGreaterThan(-1);
      expect(secondValidates).toBeGreaterThan(firstDone);
      const waitedAt = events.indexOf(waiting);
      expect(waitedAt).toBeLessThan(firstDone);
      // The job reported its own progress, with the run it belongs to.
      expect(events.some((e) => e.name === 'job' && e.p.runId === a.runId && e.p.state === 'running' && e.p.progress?.stage === 'cluster')).toBe(true);
      expect(value(await h.table.getRun({ runId: a.runId })).summary.status).toBe('completed');
      expect(value(await h.table.getRun({ runId: bDone.runId })).summary.reconciled).toBe(true);
      expect(await chainOk(h)).toBe(true);
    } finally {
      await h.close();
    }
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(storeOf(ws).jobs.map((j) => j.state)).toEqual(['done', 'done']);
    expect(await productionOf(ws)).toBe(reference.both);
  }, 600_000);

  it('a call that writes waits for the job; one that reads answers while it runs', async () => {
    const ws = join(dir, 'ws-calls');
    const events: EngineEvent[] = [];
    const h = recordingHandlers(ws, join(dir, 'no-models'), events);
    try {
      const a = await runOf(h, first, true);
      // Read while the job runs: the run is listed as remediating.
      const listed = value(await h.table.listRuns({}));
      expect(listed.find((r) => r.runId === a.runId)?.status).toMatch(/^(remediating|completed)$/);
      // A write (a release: refused, the run is not held) is answered only after the job has ended.
      const released = await h.table.releaseRun({ runId: a.runId });
      const answeredAt = events.length;
      expect(released.ok).toBe(false);
      const doneAt = events.findIndex(jobIn(a.runId, 'done'));
      expect(doneAt).toBeGreaterThan(-1);
      expect(doneAt).toBeLessThan(answeredAt);
      expect(value(await h.table.getRun({ runId: a.runId })).summary.status).toBe('completed');
    } finally {
      await h.close();
    }
    expect(await productionOf(ws)).toBe(reference.one);
  }, 600_000);

  it('cancelled while its job runs: the run is undone and recorded cancelled, production as it was', async () => {
    const ws = join(dir, 'ws-cancel');
    const events: EngineEvent[] = [];
    let h: Handlers | null = null;
    const setup = recordingHandlers(ws, join(dir, 'no-models'));
    try {
      expect((await runOf(setup, first, false)).status).toBe('completed');
    } finally {
      await setup.close();
    }
    const before = await productionOf(ws);
    expect(before).toBe(reference.one);
    let cancelled = false;
    let cancelAnswer: boolean | null = null;
    // Cancelled from inside the job's first progress report: at that moment, every time.
    h = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !cancelled) {
        cancelled = true;
        void h!.table.cancelRun({}).then((r) => { cancelAnswer = r.ok && r.value.cancelling; });
      }
    });
    try {
      const b = await runOf(h, second, true);
      expect(b.status).toBe('remediating');
      await waitForEvent(events, jobIn(b.runId, 'cancelled'), 'job cancelled');
      expect(cancelAnswer).toBe(true);
      const detail = value(await h.table.getRun({ runId: b.runId }));
      expect(detail.summary.ended).toBe('cancelled');
      expect(detail.badges.state).toBe('cancelled');
      expect(await chainOk(h)).toBe(true);
      // Nothing is running now: a cancel answers that.
      expect(value(await h.table.cancelRun({})).cancelling).toBe(false);
    } finally {
      await h.close();
    }
    expect(storeOf(ws).jobs.map((j) => j.state)).toEqual(['done']);
    expect(await productionOf(ws)).toBe(before);
  }, 600_000);

  it('the app closed while its job runs: the job stays pending, and opening the workspace again finishes it', async () => {
    const ws = join(dir, 'ws-close');
    const events: EngineEvent[] = [];
    let closing: Promise<void> | null = null;
    const h = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !closing) closing = h.close();
    });
    const a = await runOf(h, first, true);
    await waitForEvent(events, jobIn(a.runId, 'pending'), 'job left pending');
    await closing;
    expect(storeOf(ws)).toEqual({ runs: [{ run_id: a.runId, status: 'remediating' }], jobs: [{ run_id: a.runId, state: 'pending' }] });
    // The workspace opened again: the job resumes in the background, without a run to start it.
    const later: EngineEvent[] = [];
    const h2 = recordingHandlers(ws, join(dir, 'no-models'), later);
    try {
      value(await h2.table.listRuns({}));
      await waitForEvent(later, jobIn(a.runId, 'done'), 'resumed job done');
      expect(value(await h2.table.getRun({ runId: a.runId })).summary.status).toBe('completed');
      expect(await chainOk(h2)).toBe(true);
      // The audit tells the pause and the resumption apart from a cancel or a failure.
      const said = value(await h2.table.auditLog({ runId: a.runId, limit: 1000 })).entries.map((e) => e.summary).filter((t) => t.startsWith('Remediation job'));
      expect(said).toEqual(['Remediation job started', 'Remediation job paused', expect.stringMatching(/^Remediation job resumed after \d+ committed steps$/)]);
    } finally {
      await h2.close();
    }
    expect(storeOf(ws).jobs.map((j) => j.state)).toEqual(['done']);
    expect(await productionOf(ws)).toBe(reference.one);
  }, 600_000);
});
