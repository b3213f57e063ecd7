// One quarantined row opened through the handler table over a real run: the raw bytes exactly as
// the file holds them (CRLF endings, doubled quotes, non-ASCII), the right physical line after a
// quoted field that spans lines (checked against the file split here, independently), the
// checks in words, the FD group's rows and counts (checked by plain queries), and a clear error
// for a row that is not there. Also: the facets count against each other's selection.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, QuarantineRow, QuarantineRowDetail } from '../../main/api/contract.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: towns-row
name: towns
version: 1.0.0
schema:
  - name: towns
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: string, required: true}
      - {name: city, logicalType: string, required: true}
      - {name: email, logicalType: string, logicalTypeOptions: {pattern: '[a-z]+@[a-z]+\\.com'}}
      - {name: note, logicalType: string}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city]}
`;

const NAMES = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jo', 'kit', 'lou', 'max', 'ned', 'ola'];
// Records as written in the file (CRLF between records); a few have odd quoting or span lines.
const records: string[] = ['id,zip,city,email,note'];
for (let i = 0; i < 14; i++) records.push(`${i + 1},10001,new york,${NAMES[i]}@mail.com,ok`);
records.push('15,10001,"new yrok",ola@mail.com,"a note that\nruns over\ntwo line breaks"');
records.push('16,20002,"Zürich ✓","bad email@x","he said ""hi"", then left"');
for (let i = 0; i < 5; i++) records.push(`${17 + i},20002,Zürich ✓,${NAMES[i]}@zed.com,`);
records.push('22,30003,boston,dee@mail.com,"multi\r\nline ""quoted"" field"');
records.push('23,30003,"salem",not-an-email,plain');
records.push('24,30003,boston,eve@mail.com,x');
records.push('3,30003,boston,fay@mail.com,dup key');
records.push('25,40004,"salem",one,field,too many');
const FILE_TEXT = `${records.join('\r\n')}\r\n`;

let dir: string;
let h: Handlers;
let runId: string;
let file: string;

function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function rows(): Promise<QuarantineRow[]> {
  return value(await h.table.quarantinePage({ runId, offset: 0, limit: 100, filter: {} })).rows;
}

async function open(id: number): Promise<QuarantineRowDetail> {
  return value(await h.table.quarantineRow({ runId, rowId: id }));
}

async function rowIdOf(idValue: string): Promise<number> {
  const r = (await rows()).find((x) => x.values[0] === idValue);
  if (!r) throw new Error(`id ${idValue} is not quarantined`);
  return r.rowId;
}

beforeAll(async () => {
  dir = tempDir('quarantine-row');
  file = join(dir, 'towns.csv');
  writeFileSync(file, FILE_TEXT);
  const contractPath = join(dir, 'towns.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  h = createHandlers({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'unit-analyst', version: 'test', emit: () => undefined });
  runId = value(await h.table.runFile({ file, contractPath, approval: { kind: 'none' }, useModels: false })).runId;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** The file's own bytes of the record that starts with `start`, and its 1-based physical line, found by splitting the file here. */
function fromFile(start: string): { bytes: Buffer; line: number } {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(`\r\n${start}`) + 2;
  const end = text.indexOf('\r\n', at + records.find((r) => r.startsWith(start))!.length - 1);
  const line = text.slice(0, at).split(/\r\n|\n|\r/).length;
  return { bytes: Buffer.from(text.slice(at, end), 'utf8'), line };
}

describe('quarantineRow: the raw record', () => {
  it('gives the exact bytes of a row with doubled quotes and non-ASCII text, with its CRLF ending and its line', async () => {
    const d = await open(await rowIdOf('16'));
    const want = fromFile('16,');
    expect(Buffer.from(d.raw.base64!, 'base64').equals(want.bytes)).toBe(true);
    expect(d.raw.text).toBe('16,20002,"Zürich ✓","bad email@x","he said ""hi"", then left"');
    expect(d.raw.ending).toBe('CRLF');
    // Row 15's note spans three physical lines, so row 16 starts on line 19, not on line 17.
    expect(want.line).toBe(19);
    expect(d.raw.line).toBe(want.line);
  });

  it('keeps the line breaks inside a quoted field as they are (LF in a CRLF file, and CRLF)', async () => {
    const d15 = await open(await rowIdOf('15'));
    expect(Buffer.from(d15.raw.base64!, 'base64').equals(fromFile('15,').bytes)).toBe(true);
    expect(d15.raw.text).toContain('that\nruns over\ntwo');
    expect(d15.raw.line).toBe(fromFile('15,').line);
    const d23 = await open(await rowIdOf('23'));
    // row 22 holds a quoted CRLF: one more physical line before row 23
    expect(d23.raw.line).toBe(fromFile('23,').line);
    expect(d23.raw.text).toBe('23,30003,"salem",not-an-email,plain');
  });

  it('gives a malformed record its bytes from the vault, and says why it could not be read', async () => {
    const bad = (await rows()).find((r) => r.reasons.some((x) => x.reason === 'MALFORMED_RECORD'))!;
    const d = await open(bad.rowId);
    const want = fromFile('25,');
    expect(Buffer.from(d.raw.base64!, 'base64').equals(want.bytes)).toBe(true);
    expect(d.raw.line).toBe(want.line);
    expect(d.raw.ending).toBe('CRLF');
    expect(d.checks).toHaveLength(1);
    expect(d.checks[0].sentence).toMatch(/^The record could not be read as CSV: /);
    expect(d.checks[0].expected).toEqual({ kind: 'record', text: "a record with the header's 5 fields, quotes closed" });
    expect(d.groups).toEqual([]);
  });
});

describe('quarantineRow: checks in words and the group', () => {
  it('says how an FD row disagrees, with the group rows and counts a plain query gives', async () => {
    const id = await rowIdOf('15');
    const d = await open(id);
    const fd = d.checks.find((c) => c.reason === 'FD_VIOLATION')!;
    expect(fd.sentence).toBe('zip → city: this row says "new yrok", 14 rows of the same zip (zip "10001") say "new york".');
    expect(fd.expected?.kind).toBe('dependency');
    const g = d.groups.find((x) => x.kind === 'dependency')!;
    expect(g.key).toEqual([{ column: 'zip', value: '10001' }]);
    expect(g.columns).toEqual(['zip', 'city']);
    // An independent count, straight from the file with DuckDB's own CSV reader.
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const counts = (await conn.runAndReadAll(`SELECT city, count(*)::INT AS n FROM read_csv('${file}', header = true, ignore_errors = true, columns = {'id': 'VARCHAR', 'zip': 'VARCHAR', 'city': 'VARCHAR', 'email': 'VARCHAR', 'note': 'VARCHAR'}) WHERE zip = '10001' GROUP BY city ORDER BY n DESC`)).getRowObjectsJS();
    conn.closeSync();
    expect(g.values.map((v) => ({ city: v.value, n: v.count }))).toEqual(counts);
    expect(g.size).toBe(15);
    expect(g.rows).toHaveLength(15);
    expect(g.rows[0]).toMatchObject({ rowId: id, self: true, quarantined: true, values: ['10001', 'new yrok'] });
    expect(g.rows.slice(1).every((r) => !r.self && r.values[1] === 'new york' && !r.quarantined)).toBe(true);
    // The engine's vote: the 14 passing rows elect new york, which the rule would write.
    expect(d.candidates).toEqual([{
      column: 'city', source: 'vote', determinant: 'zip', decision: 'new york', note: expect.stringContaining('the vote elects "new york"'),
      values: [{ value: 'new york', count: 14, share: 1, rank: 1, winner: true }],
    }]);
  });

  it('ranks candidates by the vote, where passing rows outvote held ones, beside the group as it is', async () => {
    const d = await open(await rowIdOf('23'));
    expect(d.checks.find((c) => c.reason === 'FD_VIOLATION')!.sentence).toBe('zip → city: this row says "salem", 3 rows of the same zip (zip "30003") say "boston".');
    const g = d.groups.find((x) => x.kind === 'dependency')!;
    expect(g.values).toEqual([{ value: 'boston', count: 3, thisRow: false }, { value: 'salem', count: 1, thisRow: true }]);
    // Row id 3's second copy is held back (a duplicate key): it does not vote, so boston has 2 votes.
    expect(g.rows.filter((r) => r.quarantined).map((r) => r.values[1]).sort()).toEqual(['boston', 'salem']);
    expect(d.candidates).toEqual([{
      column: 'city', source: 'vote', determinant: 'zip', decision: 'boston', note: expect.stringContaining('passing rows outvoting held ones'),
      values: [{ value: 'boston', count: 2, share: 1, rank: 1, winner: true }],
    }]);
  });

  it('says what a pattern expects, and a group with no majority flags every row', async () => {
    const d = await open(await rowIdOf('16'));
    const p = d.checks.find((c) => c.reason === 'PATTERN_MISMATCH')!;
    expect(p.sentence).toBe('email "bad email@x" does not match the pattern [a-z]+@[a-z]+\\.com.');
    expect(p.expected).toEqual({ kind: 'pattern', text: '[a-z]+@[a-z]+\\.com' });
    expect(d.checks.some((c) => c.reason === 'FD_VIOLATION')).toBe(false);
  });

  it('names the rows a duplicate key collides with', async () => {
    const d = await open(await rowIdOf('3'));
    const dup = d.checks.find((c) => c.reason === 'DUPLICATE_KEY')!;
    const key = d.groups.find((g) => g.kind === 'key')!;
    expect(key.size).toBe(2);
    const first = key.rows.find((r) => !r.self)!;
    expect(first.values).toEqual(['3']);
    expect(first.quarantined).toBe(false);
    expect(dup.sentence).toBe(`id "3" must be unique (id.primaryKey), but row ${first.rowId} holds it too; the first row keeps it, later ones are held back.`);
  });

  it('records a manual edit of the row in its history', async () => {
    const id = await rowIdOf('15');
    value(await h.table.editCells({ runId, column: 'city', cells: [{ rowId: id, value: 'new york' }] }));
    const d = await open(id);
    const manual = d.history.filter((x) => x.source === 'manual');
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ column: 'city', after: 'new york' });
    expect(manual[0].what).toContain('set to "new york" by hand');
  });

  it('says clearly when the row is not there', async () => {
    const r = await h.table.quarantineRow({ runId, rowId: 999_999 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'USER', message: `run ${runId} has no quarantined row 999999. Pick a row in the grid.` });
    const bad = await h.table.quarantineRow({ runId: 'no-such-run', rowId: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('is not in this workspace');
  });
});

describe('quarantineFacets: each facet counts against the other', () => {
  it('counts reasons within the picked column and columns within the picked reason, as plain queries do', async () => {
    // The workspace database is held by the engine: the tokens are counted here from the grid's
    // pages (test/unit/api.quarantineQuery.test.ts checks the same against plain SQL).
    const all = await rows();
    const tokens = all.flatMap((r) => r.reasons);
    const plain = (keep: (t: { column: string; reason: string }) => boolean, key: 'column' | 'reason') => {
      const m = new Map<string, number>();
      for (const t of tokens.filter(keep)) m.set(t[key], (m.get(t[key]) ?? 0) + 1);
      return m;
    };
    const f = value(await h.table.quarantineFacets({ runId, filter: { column: 'email' } }));
    expect(new Map(f.byReason.map((x) => [x.reason, x.count]))).toEqual(plain((t) => t.column === 'email', 'reason'));
    const g = value(await h.table.quarantineFacets({ runId, filter: { reason: 'FD_VIOLATION' } }));
    expect(new Map(g.byColumn.map((x) => [x.column, x.count]))).toEqual(plain((t) => t.reason === 'FD_VIOLATION', 'column'));
    // A count is what the grid shows once the value is picked too.
    for (const c of g.byColumn) {
      const page = value(await h.table.quarantinePage({ runId, offset: 0, limit: 100, filter: { reason: 'FD_VIOLATION', column: c.column } }));
      expect(page.total, c.column).toBe(c.count);
    }
    const none = value(await h.table.quarantineFacets({ runId, filter: {} }));
    expect(none.byColumnReason).toEqual(g.byColumnReason);
  });
});
