// Exact re-delivery: a second file repeats some rows of the first (and one of its own rows twice)
// next to new rows and one changed row. The repeats are counted as duplicateRows and set aside,
// the changed row replaces its old version, production holds every record once, and
// source = success + quarantine + duplicates for both runs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { count, csvText, PEOPLE_HEADER, peopleContract, peopleRows, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const firstRows = peopleRows(1, 40);
const repeated = firstRows.slice(10, 20); // ids 11..20, byte for byte
const fresh = peopleRows(41, 60);
const changed = ['5', 'person 5 renamed', firstRows[4][2]];
const secondRows = [...repeated, ...fresh, fresh[0], changed];
const expectedDuplicates = repeated.length + 1;

let engine: Engine;
let first: RunSummary;
let second: RunSummary;

beforeAll(async () => {
  const dir = tempDir('redelivery');
  const contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract());
  engine = await openEngine(join(dir, 'ws'));
  const run = (file: string) => runBatch(engine, { file, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
  first = await run(writeInput(dir, 'day1.csv', csvText(PEOPLE_HEADER, firstRows)));
  second = await run(writeInput(dir, 'day2.csv', csvText(PEOPLE_HEADER, secondRows)));
});

afterAll(() => engine?.close());

describe('a second file that repeats rows of the first', () => {
  it('counts the exact repeats (across files and within the file) as duplicateRows', () => {
    expect(first).toMatchObject({ status: 'completed', sourceRows: firstRows.length, successRows: firstRows.length, duplicateRows: 0 });
    expect(second.status).toBe('completed');
    expect(second.sourceRows).toBe(secondRows.length);
    expect(second.duplicateRows).toBe(expectedDuplicates);
    expect(second.successRows).toBe(fresh.length + 1);
  });

  it('source = success + quarantine + duplicates for both runs', () => {
    for (const s of [first, second]) {
      expect(s.reconciled).toBe(true);
      expect(s.sourceRows).toBe(s.successRows + s.quarantineRows + s.duplicateRows);
    }
  });

  it('production holds each record once, and the changed row in its new version', async () => {
    expect(await count(engine, 'SELECT count(*) FROM prod.people')).toBe(60);
    expect(await count(engine, 'SELECT count(DISTINCT id) FROM prod.people')).toBe(60);
    expect(await count(engine, 'SELECT count(*) FROM (SELECT id, name, zip FROM prod.people GROUP BY ALL HAVING count(*) > 1)')).toBe(0);
    const reader = await engine.duck.conn.runAndReadAll('SELECT name FROM prod.people WHERE id = 5');
    expect(reader.getRows()).toEqual([['person 5 renamed']]);
    // the replaced version is kept in history, not lost
    expect(await count(engine, `SELECT count(*) FROM prod."people__history" WHERE id = 5 AND name = 'person 5'`)).toBe(1);
  });

  it('records each duplicate with the row it repeats and audits the de-duplication', async () => {
    const r = `'${second.runId}'`;
    expect(await count(engine, `SELECT count(*) FROM quarantine."people__duplicates" WHERE run_id = ${r}`)).toBe(expectedDuplicates);
    // the repeats of day 1 point back at day 1's run
    expect(await count(engine, `SELECT count(*) FROM quarantine."people__duplicates" WHERE run_id = ${r} AND first_run_id = '${first.runId}'`)).toBe(repeated.length);
    const dedupe = engine.audit.entries(second.runId).filter((e) => e.kind === 'dedupe');
    expect(dedupe.map((e) => e.payload.duplicateRows)).toEqual([expectedDuplicates]);
  });
});
