// Input files that cannot be read as a table: `airlock run` answers with exit 2 and one line on
// stderr naming the file (and the line where there is one), never a stack trace, and the raw
// bytes are in the vault all the same (the vault comes before everything else).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, expectUserError } from '../helpers/cli.js';
import { csvText, expectVaulted, gzippedCsv, PEOPLE_HEADER, peopleContract, peopleRows, seededBytes, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

async function refused(name: string, data: string | Buffer): Promise<{ line: string; ws: string; file: string }> {
  const dir = tempDir('refused');
  const file = writeInput(dir, name, data);
  const contract = writeInput(dir, 'people.odcs.yaml', peopleContract());
  const ws = join(dir, 'ws');
  const res = await cliRun(file, contract, ws);
  const line = expectUserError(res);
  expectVaulted(ws, file);
  return { line, ws, file };
}

describe('airlock run refuses unreadable input with one line and exit 2', () => {
  it('an empty file: names the file and says it is empty', async () => {
    const { line } = await refused('empty.csv', '');
    expect(line).toContain('empty.csv');
    expect(line).toMatch(/empty/i);
  });

  it('a binary file named .csv (gzip-compressed CSV): names the file, says it is not text', async () => {
    const { line } = await refused('compressed.csv', gzippedCsv(csvText(PEOPLE_HEADER, peopleRows(1, 50))));
    expect(line).toContain('compressed.csv');
    expect(line).toMatch(/binary|not csv/i);
  });

  it('binary data without NUL bytes named .csv: refused as unreadable, not read as a drifted header', async () => {
    // Control bytes, invalid UTF-8 and no NUL: what a small encrypted or compressed blob looks like.
    const { line } = await refused('blob.csv', seededBytes(4096, 99, [0x00, 0x0a, 0x0d]));
    expect(line).toContain('blob.csv');
    // the message is readable: no control characters or replacement characters from the blob
    expect([...line].filter((ch) => ch.charCodeAt(0) < 0x20 || ch === '\ufffd')).toEqual([]);
  });

  it('duplicate header names: names the file, line 1 and the repeated column', async () => {
    const { line } = await refused('dup-header.csv', 'id,name,name\n1,ann,bob\n');
    expect(line).toContain('dup-header.csv:1');
    expect(line).toContain('"name"');
  });
});
