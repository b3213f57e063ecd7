// C5: `_airlock_`-prefixed column names collide with Airlock's bookkeeping columns. They are
// refused with one clear line and exit 2, in a contract, a CSV header or a Parquet header, and
// no run is left "running". Also: any error inside a run marks it failed and undoes its writes.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../main/contract/errors.js';
import { parseContract } from '../../main/contract/load.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { assertNoReservedColumns } from '../../main/validate/reservedColumns.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { sqlString } from '../../main/store/duckdb.js';
import { count, csvText, peopleContract, PEOPLE_HEADER, peopleRows, writeInput } from '../helpers/fixtures.js';
import { cliRun, expectUserError } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const SUFFIXES = ['row_id', 'row_hash', 'run_id', 'reasons', 'raw_line', 'x', ''];
const flipCase = (s: string, rand: () => number) => [...s].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join('');

describe('reserved column names (C5)', () => {
  it('generated headers: refused exactly when some name has the prefix, naming its position (500 cases)', () => {
    const rand = seededRandom(5);
    for (let n = 0; n < 500; n++) {
      const width = 1 + Math.floor(rand() * 8);
      const names = Array.from({ length: width }, (_, i) => ['col', 'airlock_row_id', '_airlockrow', 'x_airlock_', `c${i}`][Math.floor(rand() * 5)] + (rand() < 0.5 ? `${i}` : ''));
      const at = rand() < 0.6 ? Math.floor(rand() * width) : -1;
      if (at >= 0) names[at] = `${rand() < 0.2 ? ' ' : ''}${flipCase('_airlock_', rand)}${SUFFIXES[Math.floor(rand() * SUFFIXES.length)]}`;
      const first = names.findIndex((x) => x.trim().toLowerCase().startsWith('_airlock_'));
      if (first < 0) {
        expect(() => assertNoReservedColumns(names, 'f.csv')).not.toThrow();
      } else {
        expect(() => assertNoReservedColumns(names, 'f.csv')).toThrow(UserError);
        expect(() => assertNoReservedColumns(names, 'f.csv')).toThrow(new RegExp(`^f\\.csv:1: column ${first + 1} is named`));
      }
    }
  });

  it('a contract column with the prefix is a contract error at its line', () => {
    const yaml = peopleContract().replace('      - name: name\n', '      - name: _airlock_row_hash\n');
    let err: unknown;
    try { parseContract(yaml, 'c.odcs.yaml'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^c\.odcs\.yaml:\d+: .*"_airlock_row_hash".*reserved/);
  });

  describe('an input header with the prefix', () => {
    let dir: string;
    let engine: Engine;
    let contractPath: string;
    beforeAll(async () => {
      dir = tempDir('reserved');
      contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract());
      engine = await openEngine(join(dir, 'ws'));
    });
    afterAll(() => engine?.close());

    for (const name of ['_airlock_row_id', '_airlock_row_hash', '_Airlock_Other']) {
      it(`CSV header ${name}: UserError, no run row left running`, async () => {
        const file = writeInput(dir, `h-${name}.csv`, csvText([...PEOPLE_HEADER, name], peopleRows(1, 3).map((r) => [...r, 'x'])));
        await expect(runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } })).rejects.toThrow(/reserved/);
        expect((engine.sqlite.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running'").get() as { n: number }).n).toBe(0);
      });
    }

    it('Parquet header _airlock_row_id: UserError', async () => {
      const file = join(dir, 'p.parquet');
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run(`COPY (SELECT 1 AS id, 'a' AS name, '12345' AS zip, 'x' AS _airlock_row_id) TO ${sqlString(file)} (FORMAT parquet)`);
      c.closeSync();
      db.closeSync();
      await expect(runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } })).rejects.toThrow(UserError);
    });

    it('an internal error in remediation marks its job failed, never running; the fast lane, committed and reported first, stays promoted', async () => {
      const file = writeInput(dir, 'boom-remediate.csv', csvText(PEOPLE_HEADER, peopleRows(200, 220)));
      const before = await count(engine, 'SELECT count(*) FROM prod.people').catch(() => 0);
      await expect(runBatch(engine, {
        file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null },
        onStage: (s) => { if (s === 'remediate') throw new Error('simulated failure at remediate'); },
      })).rejects.toThrow(/simulated/);
      const run = engine.sqlite.prepare('SELECT run_id, status, summary_json FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').get() as { run_id: string; status: string; summary_json: string };
      expect(run.status).toBe('remediating');
      expect(JSON.parse(run.summary_json)).toMatchObject({ reconciled: true });
      const job = engine.sqlite.prepare('SELECT state, owner_pid, error FROM remediation_jobs WHERE run_id = ?').get(run.run_id) as { state: string; owner_pid: number | null; error: string };
      expect(job).toMatchObject({ state: 'failed', owner_pid: null });
      expect(job.error).toContain('simulated failure');
      expect(await count(engine, 'SELECT count(*) FROM prod.people')).toBeGreaterThan(before);
      // The same file again is the run already processed, and says how to finish it.
      const again = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(again).toMatchObject({ idempotent: true, previousRunId: run.run_id });
      expect(again.message).toContain(`airlock remediate ${run.run_id}`);
    });

    for (const stage of ['validate']) {
      it(`an internal error at ${stage} marks the run failed and undoes its writes`, async () => {
        const file = writeInput(dir, `boom-${stage}.csv`, csvText(PEOPLE_HEADER, peopleRows(100, 120)));
        const before = await count(engine, 'SELECT count(*) FROM prod.people').catch(() => 0);
        await expect(runBatch(engine, {
          file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null },
          onStage: (s) => { if (s === stage) throw new Error(`simulated failure at ${s}`); },
        })).rejects.toThrow(/simulated/);
        const run = engine.sqlite.prepare('SELECT status, summary_json FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').get() as { status: string; summary_json: string };
        expect(run.status).toBe('failed');
        expect(run.summary_json).toContain('simulated failure');
        expect(await count(engine, 'SELECT count(*) FROM prod.people').catch(() => 0)).toBe(before);
      });
    }
  });

  it('the CLI says it in one line with exit 2', async () => {
    const dir = tempDir('reserved-cli');
    const contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract());
    const file = writeInput(dir, 'in.csv', csvText([...PEOPLE_HEADER, '_airlock_row_id'], peopleRows(1, 2).map((r) => [...r, '7'])));
    const line = expectUserError(await cliRun(file, contractPath, join(dir, 'ws')));
    expect(line).toMatch(/in\.csv:1: column 4 is named "_airlock_row_id"/);
  }, 60_000);
});
