// The command line's model flags. A --model file that does not exist is a user error: exit 2, one
// line naming the file, and nothing promoted, whether or not the run would have needed the model.
// --no-model runs the deterministic path with no model at all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, expectUserError, summaryOf } from '../helpers/cli.js';
import { count, csvText, PEOPLE_HEADER, peopleContract, peopleRows, partsCsv, PARTS_CONTRACT, tableExists, withEngine, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

describe('--model with a file that does not exist', () => {
  it('on a clean file (the model would never be called): exit 2, one line naming the file', async () => {
    const dir = tempDir('model-flag');
    const file = writeInput(dir, 'people.csv', csvText(PEOPLE_HEADER, peopleRows(1, 10)));
    const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
    const missing = join(dir, 'no-such-model.gguf');
    const line = expectUserError(await cliRun(file, contract, join(dir, 'ws'), ['--model', missing, '--no-embedder']));
    expect(line).toContain(missing);
  });

  it('on a file that needs the model: exit 2, one line naming the file, nothing promoted', async () => {
    const dir = tempDir('model-flag');
    const file = writeInput(dir, 'parts.csv', partsCsv().text);
    const contract = writeInput(dir, 'parts.odcs.yaml', PARTS_CONTRACT);
    const missing = join(dir, 'no-such-model.gguf');
    const ws = join(dir, 'ws');
    const line = expectUserError(await cliRun(file, contract, ws, ['--model', missing, '--no-embedder', '--approve-all']));
    expect(line).toContain(missing);
    await withEngine(ws, async (e) => {
      if (await tableExists(e, 'prod', 'parts')) expect(await count(e, 'SELECT count(*) FROM prod.parts')).toBe(0);
      const open = e.sqlite.prepare(`SELECT run_id, status FROM runs WHERE status NOT IN ('failed', 'halted')`).all();
      expect(open).toEqual([]);
    });
  });
});

describe('--no-model', () => {
  it('runs to completion without any model: no calls, none recorded, unrepairable rows stay in quarantine', async () => {
    const dir = tempDir('no-model');
    const { text, badIds } = partsCsv();
    const file = writeInput(dir, 'parts.csv', text);
    const contract = writeInput(dir, 'parts.odcs.yaml', PARTS_CONTRACT);
    const ws = join(dir, 'ws');
    const res = await cliRun(file, contract, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(res.code, describeResult(res)).toBe(0);
    const s = summaryOf(res);
    expect(s).toMatchObject({ status: 'completed', reconciled: true, modelCalls: 0, quarantineRows: badIds.length });
    expect(s.models?.llm ?? null).toBeNull();
    await withEngine(ws, (e) => {
      expect(e.sqlite.prepare('SELECT count(*) AS n FROM models_used').get()).toEqual({ n: 0 });
      expect(e.audit.entries(s.runId).filter((x) => x.kind === 'model')).toEqual([]);
    });
  });
});
