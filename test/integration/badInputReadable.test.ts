// Odd but readable CSV: a header with no rows, a semicolon delimiter, a byte-order mark, CRLF line
// ends, a 1 MB field. Each runs to exit 0, every record is accounted for
// (source = success + quarantine + duplicates), the raw bytes are in the vault, and the values
// land in production in the right columns, unchanged.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, summaryOf } from '../helpers/cli.js';
import { csvText, expectVaulted, PEOPLE_HEADER, peopleContract, peopleRows, withEngine, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import type { RunSummary } from '../../main/pipeline/types.js';

interface ProdRow { id: number; name: string; zip: string }

async function runReadable(name: string, data: string | Buffer): Promise<{ summary: RunSummary; prod: ProdRow[] }> {
  const dir = tempDir('readable');
  const file = writeInput(dir, name, data);
  const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
  const ws = join(dir, 'ws');
  const res = await cliRun(file, contract, ws);
  expect(res.code, describeResult(res)).toBe(0);
  const summary = summaryOf(res);
  expect(summary.status).toBe('completed');
  expect(summary.reconciled).toBe(true);
  expect(summary.sourceRows).toBe(summary.successRows + summary.quarantineRows + summary.duplicateRows);
  expectVaulted(ws, file);
  const prod = await withEngine(ws, async (e) => {
    const reader = await e.duck.conn.runAndReadAll(`SELECT CAST(id AS INTEGER) AS id, name, zip FROM prod.people ORDER BY id`);
    return reader.getRowObjectsJS() as unknown as ProdRow[];
  });
  return { summary, prod };
}

const expected = (rows: string[][]) => rows.map(([id, name, zip]) => ({ id: Number(id), name, zip }));

describe('airlock run on odd but readable CSV', () => {
  it('a header with no rows: 0 source rows, reconciled, nothing promoted', async () => {
    const { summary, prod } = await runReadable('header-only.csv', `${PEOPLE_HEADER.join(',')}\n`);
    expect(summary).toMatchObject({ sourceRows: 0, successRows: 0, quarantineRows: 0, duplicateRows: 0 });
    expect(prod).toEqual([]);
  });

  it('a semicolon-separated file: every row promoted with its values in the right columns', async () => {
    const rows = peopleRows(1, 5);
    const { summary, prod } = await runReadable('semicolon.csv', csvText(PEOPLE_HEADER, rows, { delimiter: ';' }));
    expect(summary.sourceRows).toBe(rows.length);
    expect(prod).toEqual(expected(rows));
  });

  it('a UTF-8 byte-order mark: the first column is still matched by name and no value carries the BOM', async () => {
    const rows = peopleRows(1, 4);
    const { summary, prod } = await runReadable('bom.csv', csvText(PEOPLE_HEADER, rows, { bom: true }));
    expect(summary.sourceRows).toBe(rows.length);
    expect(summary.drift).toBeUndefined();
    expect(prod).toEqual(expected(rows));
  });

  it('CRLF line endings: no carriage return left in any value', async () => {
    const rows = peopleRows(1, 6);
    const { summary, prod } = await runReadable('crlf.csv', csvText(PEOPLE_HEADER, rows, { eol: '\r\n' }));
    expect(summary.sourceRows).toBe(rows.length);
    expect(summary.successRows).toBe(rows.length);
    expect(prod).toEqual(expected(rows));
  });

  it('a 1 MB field: read whole, promoted unchanged', async () => {
    const rows = peopleRows(1, 3);
    rows[1][1] = 'n'.repeat(1024 * 1024);
    const { summary, prod } = await runReadable('big-field.csv', csvText(PEOPLE_HEADER, rows));
    expect(summary.sourceRows).toBe(rows.length);
    expect(summary.malformedRows).toBe(0);
    expect(prod.map((r) => r.name.length)).toEqual(rows.map((r) => r[1].length));
    expect(prod[1].name).toBe(rows[1][1]);
  });
});
