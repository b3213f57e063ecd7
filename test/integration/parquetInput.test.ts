// Parquet input, written by DuckDB's COPY at test time: a whole file runs like its CSV twin; the
// same file cut short (a copy that did not finish) is refused with exit 2 and one line naming it,
// with its bytes in the vault.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliRun, describeResult, expectUserError, summaryOf } from '../helpers/cli.js';
import { expectVaulted, PEOPLE_HEADER, peopleContract, peopleRows, withEngine, writeInput, writeParquet } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const rows = peopleRows(1, 200);
let dir: string;
let whole: string;
let contract: string;

beforeAll(async () => {
  dir = tempDir('parquet');
  whole = await writeParquet(dir, 'people.parquet', PEOPLE_HEADER, rows);
  contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
});

describe('Parquet input', () => {
  it('a whole Parquet file: every row promoted, reconciled, bytes in the vault', async () => {
    const ws = join(dir, 'ws-whole');
    const res = await cliRun(whole, contract, ws);
    expect(res.code, describeResult(res)).toBe(0);
    const s = summaryOf(res);
    expect(s).toMatchObject({ status: 'completed', reconciled: true, sourceRows: rows.length, successRows: rows.length, quarantineRows: 0 });
    expect(s.input.format).toBe('parquet');
    expectVaulted(ws, whole);
    const prodCount = await withEngine(ws, async (e) => Number((await e.duck.conn.runAndReadAll('SELECT count(*) FROM prod.people')).getRows()[0][0]));
    expect(prodCount).toBe(rows.length);
  });

  it('a truncated Parquet file: exit 2, one line naming the file, bytes in the vault', async () => {
    const bytes = readFileSync(whole);
    const cut = writeInput(dir, 'cut.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)));
    const ws = join(dir, 'ws-cut');
    const line = expectUserError(await cliRun(cut, contract, ws));
    expect(line).toContain('cut.parquet');
    expect(line).toMatch(/parquet/i);
    expectVaulted(ws, cut);
  });
});
