// Reconciliation recomputed from the DuckDB tables, not from the summary: after a run over a file
// with clean rows, rows that fail the contract, ragged records and exact duplicates, the summary's
// counts equal counts taken straight from production, history, quarantine and duplicates, and
// both equal what the file was built with.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { listRuns } from '../../main/pipeline/listRuns.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { count, PEOPLE_HEADER, peopleContract, peopleRows, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

// The file, record by record (ordinal = position + 1).
const clean = peopleRows(1, 30);
const badZipIds = ['5', '9', '17'];
for (const r of clean) if (badZipIds.includes(r[0])) r[2] = 'zip?';
const lines = clean.map((r) => r.join(','));
const raggedAt = [11, 23]; // 1-based ordinals of two ragged records
lines.splice(raggedAt[0] - 1, 0, '31,short row');
lines.splice(raggedAt[1] - 1, 0, '32,too,many,fields');
lines.push(lines[0], lines[1]); // exact re-deliveries of records 1 and 2 within the file
const built = {
  source: lines.length,
  malformed: raggedAt.length,
  duplicates: 2,
  quarantine: badZipIds.length + raggedAt.length,
  success: clean.length - badZipIds.length,
};

let engine: Engine;
let summary: RunSummary;

beforeAll(async () => {
  const dir = tempDir('reconcile');
  const contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract());
  const file = writeInput(dir, 'people.csv', `${PEOPLE_HEADER.join(',')}\n${lines.join('\n')}\n`);
  engine = await openEngine(join(dir, 'ws'));
  summary = await runBatch(engine, { file, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
});

afterAll(() => engine?.close());

describe('reconciliation from the tables', () => {
  it('the summary counts equal counts taken directly from the DuckDB tables', async () => {
    const r = `'${summary.runId}'`;
    const fromTables = {
      successRows: (await count(engine, `SELECT count(*) FROM prod.people WHERE _airlock_run_id = ${r}`))
        + (await count(engine, `SELECT count(*) FROM prod."people__history" WHERE _airlock_run_id = ${r}`)),
      quarantineRows: await count(engine, `SELECT count(*) FROM quarantine.people WHERE _airlock_run_id = ${r}`),
      duplicateRows: await count(engine, `SELECT count(*) FROM quarantine."people__duplicates" WHERE run_id = ${r}`),
      malformedRows: await count(engine, `SELECT count(*) FROM quarantine.people WHERE _airlock_run_id = ${r} AND _airlock_reasons = 'record:MALFORMED_RECORD'`),
    };
    expect({ successRows: summary.successRows, quarantineRows: summary.quarantineRows, duplicateRows: summary.duplicateRows, malformedRows: summary.malformedRows }).toEqual(fromTables);
    expect(summary.sourceRows).toBe(fromTables.successRows + fromTables.quarantineRows + fromTables.duplicateRows);
    expect(summary.reconciled).toBe(true);
  });

  it('and both equal what the file was built with', () => {
    expect(summary).toMatchObject({
      sourceRows: built.source, successRows: built.success, quarantineRows: built.quarantine,
      duplicateRows: built.duplicates, malformedRows: built.malformed,
    });
  });

  it('every source ordinal is in exactly one place: production, quarantine or duplicates', async () => {
    const r = `'${summary.runId}'`;
    const ids = (await engine.duck.conn.runAndReadAll(`SELECT id, count(*) AS n FROM (
        SELECT _airlock_row_id AS id FROM prod.people WHERE _airlock_run_id = ${r}
        UNION ALL SELECT _airlock_row_id FROM quarantine.people WHERE _airlock_run_id = ${r}
        UNION ALL SELECT row_id FROM quarantine."people__duplicates" WHERE run_id = ${r}) GROUP BY id ORDER BY id`)).getRows();
    expect(ids.map(([id, n]) => [Number(id), Number(n)])).toEqual(lines.map((_, i) => [i + 1, 1]));
    // the ragged records kept their ordinals
    const malformedIds = (await engine.duck.conn.runAndReadAll(`SELECT _airlock_row_id FROM quarantine.people WHERE _airlock_run_id = ${r} AND _airlock_reasons = 'record:MALFORMED_RECORD' ORDER BY 1`)).getRows();
    expect(malformedIds.map(([id]) => Number(id))).toEqual(raggedAt);
  });

  it('every stage recorded a reconciliation that holds, and the run list agrees', () => {
    expect(summary.reconciliation.length).toBeGreaterThan(0);
    for (const rec of summary.reconciliation) {
      expect(rec.ok, rec.stage).toBe(true);
      expect(rec.sourceRows).toBe(rec.successRows + rec.quarantineRows + rec.duplicateRows + rec.pendingRows);
    }
    const listed = listRuns(engine).find((x) => x.runId === summary.runId)!;
    expect(listed).toMatchObject({ sourceRows: built.source, successRows: built.success, quarantineRows: built.quarantine, duplicateRows: built.duplicates, reconciled: true });
  });
});
