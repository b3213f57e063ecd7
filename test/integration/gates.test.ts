// Quality gates hold a batch: `airlock run` exits 4 and nothing is promoted. `airlock release`
// then promotes the held fast lane and reconciles; `airlock reject` keeps production empty and
// puts every held row in quarantine. Both decisions are audited.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { count, csvText, PEOPLE_HEADER, peopleContract, peopleRows, readCsvFile, withEngine, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import type { RunSummary } from '../../main/pipeline/types.js';

async function heldRun(contractYaml: string, rows: string[][]): Promise<{ ws: string; dir: string; held: RunSummary }> {
  const dir = tempDir('gates');
  const file = writeInput(dir, 'people.csv', csvText(PEOPLE_HEADER, rows));
  const contract = writeInput(dir, 'people.odcs.yaml', contractYaml);
  const ws = join(dir, 'ws');
  const res = await cliRun(file, contract, ws);
  expect(res.code, describeResult(res)).toBe(4);
  const held = summaryOf(res);
  expect(held.status).toBe('held');
  expect(held.gates.some((g) => !g.passed)).toBe(true);
  // nothing promoted while held
  expect(held.successRows).toBe(0);
  expect(await withEngine(ws, (e) => count(e, 'SELECT count(*) FROM prod.people'))).toBe(0);
  return { ws, dir, held };
}

describe('a batch held by a rowCount gate, then released', () => {
  it('exit 4 with nothing promoted; release promotes the fast lane and reconciles', async () => {
    const rows = peopleRows(1, 10);
    const badZip = new Set(['3', '7']);
    for (const r of rows) if (badZip.has(r[0])) r[2] = `x${r[2].slice(1)}`;
    const yaml = peopleContract({ tableQuality: ['      - metric: rowCount', '        mustBeGreaterThan: 1000000'] });
    const { ws, held } = await heldRun(yaml, rows);
    const gate = held.gates.find((g) => g.metric === 'rowCount')!;
    expect(gate).toMatchObject({ value: rows.length, passed: false, operator: 'mustBeGreaterThan', threshold: 1000000 });
    expect(held.pendingRows).toBe(rows.length - badZip.size);
    expect(held.quarantineRows).toBe(badZip.size);

    const res = await runCli(['release', held.runId, '--workspace', ws, '--json']);
    expect(res.code, describeResult(res)).toBe(0);
    const released = summaryOf(res);
    expect(released).toMatchObject({ status: 'completed', reconciled: true, sourceRows: rows.length, successRows: rows.length - badZip.size, quarantineRows: badZip.size, pendingRows: 0 });

    await withEngine(ws, async (e) => {
      const ids = (await e.duck.conn.runAndReadAll('SELECT CAST(id AS VARCHAR) FROM prod.people ORDER BY id')).getRows().map((r) => String(r[0]));
      expect(ids).toEqual(rows.map((r) => r[0]).filter((id) => !badZip.has(id)));
      const decision = e.audit.entries(held.runId).filter((x) => x.kind === 'release');
      expect(decision.map((x) => x.payload.decision)).toEqual(['released']);
      expect(decision[0].payload.gates).toEqual([gate.name]);
      expect((e.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(held.runId) as { status: string }).status).toBe('completed');
    });
  });
});

describe('a batch held by a missingValues percent gate, then rejected', () => {
  it('exit 4; reject keeps production empty and every row in quarantine as it arrived', async () => {
    const rows = peopleRows(1, 10);
    for (const i of [1, 4, 8]) rows[i][2] = 'N/A';
    const yaml = peopleContract({ zipQuality: ['          - metric: missingValues', "            arguments: { missingValues: ['N/A'] }", '            mustBeLessThan: 10', '            unit: percent'] });
    const { ws, dir, held } = await heldRun(yaml, rows);
    expect(held.gates.find((g) => g.metric === 'missingValues')).toMatchObject({ unit: 'percent', value: 30, passed: false });

    const res = await runCli(['reject', held.runId, '--workspace', ws, '--json']);
    expect(res.code, describeResult(res)).toBe(0);
    const rejected = summaryOf(res);
    expect(rejected).toMatchObject({ status: 'rejected', reconciled: true, sourceRows: rows.length, successRows: 0, quarantineRows: rows.length });

    await withEngine(ws, async (e) => {
      expect(await count(e, 'SELECT count(*) FROM prod.people')).toBe(0);
      expect(await count(e, `SELECT count(*) FROM quarantine.people WHERE _airlock_run_id = '${held.runId}'`)).toBe(rows.length);
      expect(e.audit.entries(held.runId).filter((x) => x.kind === 'release').map((x) => x.payload.decision)).toEqual(['rejected']);
    });

    const out = join(dir, 'out');
    const exp = await runCli(['export', '--workspace', ws, '--run', held.runId, '--out', out]);
    expect(exp.code, describeResult(exp)).toBe(0);
    expect(readCsvFile(join(out, 'clean.csv')).rows).toEqual([]);
    const q = readCsvFile(join(out, 'quarantine.csv')).records;
    expect(q.every((r) => r._airlock_reasons.includes('REJECTED'))).toBe(true);
    // as they arrived: the N/A tokens too, not the NULLs they were normalised to
    expect(q.map((r) => PEOPLE_HEADER.map((h) => r[h]))).toEqual(rows);
  });
});
