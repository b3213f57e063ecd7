// Records the CSV reader cannot parse (ragged rows, an unbalanced quote, invalid UTF-8) are not
// lost and do not stop the run: each lands in quarantine.csv as MALFORMED_RECORD with its raw
// line and its ordinal in the file, the good records are promoted, and the run reconciles.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { expectVaulted, PEOPLE_HEADER, peopleContract, readCsvFile, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import type { RunSummary } from '../../main/pipeline/types.js';

interface Outcome {
  summary: RunSummary;
  clean: Record<string, string>[];
  quarantine: Record<string, string>[];
  quarantineHeader: string[];
}

async function runAndExport(name: string, data: string | Buffer): Promise<Outcome> {
  const dir = tempDir('malformed');
  const file = writeInput(dir, name, data);
  const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
  const ws = join(dir, 'ws');
  const res = await cliRun(file, contract, ws);
  expect(res.code, describeResult(res)).toBe(0);
  const summary = summaryOf(res);
  expect(summary.reconciled).toBe(true);
  expect(summary.sourceRows).toBe(summary.successRows + summary.quarantineRows + summary.duplicateRows);
  expectVaulted(ws, file);
  const out = join(dir, 'out');
  const exp = await runCli(['export', '--workspace', ws, '--out', out]);
  expect(exp.code, describeResult(exp)).toBe(0);
  const q = readCsvFile(join(out, 'quarantine.csv'));
  return { summary, clean: readCsvFile(join(out, 'clean.csv')).records, quarantine: q.records, quarantineHeader: q.header };
}

const header = `${PEOPLE_HEADER.join(',')}\n`;

describe('malformed records go to quarantine with their raw line', () => {
  it('ragged rows (a field short, a field extra): MALFORMED_RECORD with the raw line; the rest promoted', async () => {
    const lines = ['1,ann,12345', '2,bob', '3,cy,11111,extra', '4,dee,22222'];
    const { summary, clean, quarantine, quarantineHeader } = await runAndExport('ragged.csv', header + lines.join('\n') + '\n');
    expect(summary).toMatchObject({ sourceRows: 4, successRows: 2, quarantineRows: 2, malformedRows: 2 });
    expect(quarantineHeader.slice(0, 5)).toEqual([...PEOPLE_HEADER, '_airlock_row_id', '_airlock_reasons']);
    expect(quarantine.map((r) => [r._airlock_row_id, r._airlock_reasons, r._airlock_raw_line])).toEqual([
      ['2', 'record:MALFORMED_RECORD', lines[1]],
      ['3', 'record:MALFORMED_RECORD', lines[2]],
    ]);
    expect(clean.map((r) => [r._airlock_row_id, r.id, r.name, r.zip])).toEqual([['1', '1', 'ann', '12345'], ['4', '4', 'dee', '22222']]);
  });

  it('an unbalanced quote: only its own line is quarantined; the records after it are promoted', async () => {
    const lines = ['1,ann,12345', '2,bob,54321', '3,"cy,11111', '4,dee,22222', '5,eve,33333'];
    const { summary, clean, quarantine } = await runAndExport('quotes.csv', header + lines.join('\n') + '\n');
    expect(summary).toMatchObject({ sourceRows: 5, successRows: 4, quarantineRows: 1, reconciled: true });
    expect(clean.map((r) => r.id)).toEqual(['1', '2', '4', '5']);
    expect(quarantine.map((r) => [r._airlock_row_id, r._airlock_reasons, r._airlock_raw_line])).toEqual([['3', 'record:MALFORMED_RECORD', lines[2]]]);
  });

  it('invalid UTF-8 in one record: that record is MALFORMED_RECORD, the others are promoted', async () => {
    const data = Buffer.concat([Buffer.from(`${header}1,ann,12345\n2,b`), Buffer.from([0xff, 0xfe]), Buffer.from('ob,54321\n3,cy,11111\n')]);
    const { summary, clean, quarantine } = await runAndExport('latin.csv', data);
    expect(summary).toMatchObject({ sourceRows: 3, successRows: 2, quarantineRows: 1, malformedRows: 1 });
    expect(clean.map((r) => r.id)).toEqual(['1', '3']);
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ _airlock_row_id: '2', _airlock_reasons: 'record:MALFORMED_RECORD' });
    // The raw line keeps the readable text around the bad bytes (the vault keeps the bytes).
    expect(quarantine[0]._airlock_raw_line).toMatch(/^2,b.{1,2}ob,54321$/u);
  });
});
