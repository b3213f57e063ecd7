// The parser is checked against the scan: a record the parser drops is found by its ordinal and
// quarantined with its bytes fetched again from the file; rows the parser invents or doubles make
// the whole parse untrusted (a Sev-1), and nothing of it is staged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCsvFile } from '../../main/ingest/csvScan.js';
import { readInput } from '../../main/ingest/readInput.js';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let db: LockedDuckDB;
beforeAll(async () => {
  dir = tempDir('parser-check');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir] });
});
afterAll(() => db?.close());

const LINES = Array.from({ length: 3000 }, (_, i) => `${i + 1},"v${i}\nsecond line",w${i}`);

async function doctored(name: string, edit: (lines: string[]) => string[]) {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, 'a,b,c\n' + LINES.join('\n') + '\n');
  const scan = await scanCsvFile(file, join(dir, `${name}.parse.csv`), join(dir, `${name}.bad.jsonl`));
  // The parse copy: header line, then records that each span two physical lines.
  const text = readFileSync(scan.parsePath, 'utf8').split('\n');
  const head = text[0];
  const recs: string[] = [];
  for (let i = 1; i + 1 < text.length; i += 2) recs.push(`${text[i]}\n${text[i + 1]}`);
  writeFileSync(scan.parsePath, [head, ...edit(recs)].join('\n') + '\n');
  const res = await readInput(db.conn, file, `${name}.csv`, `${name}_stage`, `${name}_bad`, dir, scan);
  return { file, res };
}

describe('the parser, checked against the independent scan', () => {
  it('records the parser never returns are quarantined by ordinal with their own bytes (any positions)', async () => {
    for (const drop of [[0], [1, 2, 3], [1500], [2999], [17, 1023, 1024, 1025, 2048]]) {
      const name = `drop${drop.join('_')}`;
      const { file, res } = await doctored(name, (r) => r.filter((_, i) => !drop.includes(i)));
      expect(res.parserDisagreement).toBeNull();
      expect(res.sourceRecords).toBe(3000);
      expect(res.goodRows).toBe(3000 - drop.length);
      const bad = await queryRows<{ id: number; raw: string; off: number; len: number; line: number; reason: string }>(db.conn,
        `SELECT _airlock_row_id AS id, raw_line AS raw, byte_position AS off, byte_length AS len, line, reason FROM ${name}_bad ORDER BY 1`);
      const bytes = readFileSync(file);
      expect(bad.map((b) => Number(b.id))).toEqual(drop.map((d) => d + 1));
      for (const b of bad) {
        expect(b.reason).toBe('PARSER_REJECTED');
        expect(b.raw).toBe(LINES[Number(b.id) - 1]);
        expect(bytes.subarray(Number(b.off), Number(b.off) + Number(b.len)).toString()).toBe(LINES[Number(b.id) - 1]);
        expect(Number(b.line)).toBe(2 + 2 * (Number(b.id) - 1));
      }
    }
  });

  it('a row the parser doubles or invents makes the parse untrusted: nothing staged', async () => {
    const doubled = await doctored('doubled', (r) => [...r.slice(0, 10), r[9], ...r.slice(10)]);
    expect(doubled.res.parserDisagreement).toMatch(/not records of the independent scan/);
    expect(doubled.res.goodRows).toBe(0);
    const invented = await doctored('invented', (r) => [...r.slice(0, 5), 'zzz,0,5,1,9,x,y', ...r.slice(5)]);
    expect(invented.res.parserDisagreement).toMatch(/split or merged/);
    expect(invented.res.goodRows).toBe(0);
  });
});
