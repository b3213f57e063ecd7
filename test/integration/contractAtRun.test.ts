// Contract problems seen through `airlock run`, as a user meets them: a pattern DuckDB cannot
// compile and a bad option are exit 2 before any run exists (C6, C7); a second contract that
// claims an existing table with other types is refused, and the first stream's data is untouched
// (C8); a number keeps its digits from the file to clean.csv, and inf/overflow/huge years are
// quarantined, never promoted (A15).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRun, describeResult, expectUserError, runCli, summaryOf } from '../helpers/cli.js';
import { count, parseCsv, withEngine, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

function contractYaml(id: string, table: string, cols: string): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: ${id}
name: ${id}
version: 1.0.0
status: active
schema:
  - name: ${table}
    properties:
      - {name: a, logicalType: integer, primaryKey: true, required: true}
${cols}
`;
}

async function runsRecorded(ws: string): Promise<number> {
  const res = await runCli(['runs', '--workspace', ws, '--json']);
  expect(res.code, describeResult(res)).toBe(0);
  return (JSON.parse(res.stdout) as unknown[]).length;
}

describe('a contract DuckDB cannot run is refused before a run exists', () => {
  it.each([
    ['pattern with a look-ahead', "      - {name: b, logicalType: string, logicalTypeOptions: {pattern: '(?=.*[0-9]).{8,}'}}", /pattern/],
    ['pattern RE2 has no escape for', "      - {name: b, logicalType: string, logicalTypeOptions: {pattern: 'ab\\Z'}}", /RE2/],
    ['strftime directive DuckDB does not know', "      - {name: b, logicalType: date, logicalTypeOptions: {format: '%Q-%m'}}", /%Q/],
    ['a date bound that is a word', "      - {name: b, logicalType: date, logicalTypeOptions: {minimum: 'yesterday'}}", /yesterday/],
  ])('%s: exit 2 with file:line, no run recorded', async (_what, col, re) => {
    const dir = tempDir('atrun');
    const contract = writeInput(dir, 't.odcs.yaml', contractYaml('t', 't', col));
    const file = writeInput(dir, 't.csv', 'a,b\n1,x\n2,y\n');
    const ws = join(dir, 'ws');
    const line = expectUserError(await cliRun(file, contract, ws));
    expect(line).toContain(`${contract}:11:`);
    expect(line).toMatch(re);
    expect(await runsRecorded(ws)).toBe(0);
  });
});

describe('C8: two contracts, one table name, different types', () => {
  it('the second is refused with a clear message; the first stream keeps its rows', async () => {
    const dir = tempDir('atrun');
    const first = writeInput(dir, 'first.odcs.yaml', contractYaml('first', 'shared', '      - {name: b, logicalType: integer}'));
    const second = writeInput(dir, 'second.odcs.yaml', contractYaml('second', 'shared', '      - {name: b, logicalType: date}'));
    const same = writeInput(dir, 'same.odcs.yaml', contractYaml('third', 'shared', '      - {name: b, logicalType: integer, description: same types}'));
    const ws = join(dir, 'ws');
    const r1 = await cliRun(writeInput(dir, 'one.csv', 'a,b\n1,10\n2,20\n'), first, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(r1.code, describeResult(r1)).toBe(0);
    const line = expectUserError(await cliRun(writeInput(dir, 'two.csv', 'a,b\n3,2024-01-01\n'), second, ws, ['--no-model', '--no-embedder', '--approve-all']));
    expect(line).toContain(`${second}:11:`);
    expect(line).toMatch(/table shared already exists .* column "b" of type BIGINT, but contract second declares it date/);
    // a contract with the same types may share the table
    const r3 = await cliRun(writeInput(dir, 'three.csv', 'a,b\n4,40\n'), same, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(r3.code, describeResult(r3)).toBe(0);
    await withEngine(ws, async (engine) => {
      expect(await count(engine, 'SELECT count(*) FROM prod."shared"')).toBe(3);
      expect(await count(engine, `SELECT count(*) FROM prod."shared" WHERE b IN (10, 20, 40)`)).toBe(3);
    });
  });
});

describe('A15: numbers and dates at the edges, through run and export', () => {
  it('digits survive to clean.csv exactly; inf, overflow and year 99999 are quarantined', async () => {
    const dir = tempDir('atrun');
    const contract = writeInput(dir, 'n.odcs.yaml', contractYaml('n', 'n', '      - {name: x, logicalType: number}\n      - {name: d, logicalType: date}'));
    const good = ['12345678901234567.89', '0.1000000000000000055511151231257827', '-98765432109876543210.0001', '3.14', '1e300', '42'];
    const bad = ['1e309', '-1e400', 'inf', 'nan'];
    const rows = [...good.map((x, i) => `${i + 1},${x},2024-01-0${(i % 9) + 1}`), ...bad.map((x, i) => `${good.length + i + 1},${x},2024-01-01`), `${good.length + bad.length + 1},1,99999-01-01`];
    const file = writeInput(dir, 'n.csv', `a,x,d\n${rows.join('\n')}\n`);
    const ws = join(dir, 'ws');
    const res = await cliRun(file, contract, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(res.code, describeResult(res)).toBe(0);
    const s = summaryOf(res);
    expect([s.sourceRows, s.successRows, s.quarantineRows]).toEqual([11, good.length, bad.length + 1]);
    const out = join(dir, 'out');
    const exp = await runCli(['export', '--workspace', ws, '--out', out]);
    expect(exp.code, describeResult(exp)).toBe(0);
    const csv = parseCsv(readFileSync(join(out, 'clean.csv'), 'utf8'));
    const xi = csv.header.indexOf('x');
    expect(csv.rows.map((r) => r[xi]).sort()).toEqual([...good].sort());
    await withEngine(ws, async (engine) => {
      expect(await count(engine, `SELECT count(*) FROM quarantine."n__violations" WHERE reason = 'TYPE_MISMATCH'`)).toBe(bad.length + 1);
    });
  });
});

describe('A10: a JDK date format through run and export', () => {
  it('valid dates in dd.MM.yyyy are promoted unchanged and exported as the same dates in ISO 8601, with no repair', async () => {
    const dir = tempDir('atrun');
    const contract = writeInput(dir, 'd.odcs.yaml', contractYaml('d', 'd', "      - {name: d, logicalType: date, required: true, logicalTypeOptions: {format: dd.MM.yyyy}}\n      - {name: ts, logicalType: timestamp, logicalTypeOptions: {format: \"yyyy-MM-dd'T'HH:mm:ssXXX\"}}"));
    let seed = 10;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const rows: string[] = [];
    for (let i = 1; i <= 40; i++) {
      const t = new Date(Date.UTC(1950 + Math.floor(next() * 90), Math.floor(next() * 12), 1 + Math.floor(next() * 28), Math.floor(next() * 24), Math.floor(next() * 60)));
      const p = (n: number) => String(n).padStart(2, '0');
      rows.push(`${i},${p(t.getUTCDate())}.${p(t.getUTCMonth() + 1)}.${t.getUTCFullYear()},${t.toISOString().slice(0, 16)}:00Z`);
    }
    const file = writeInput(dir, 'd.csv', `a,d,ts\n${rows.join('\n')}\n`);
    const ws = join(dir, 'ws');
    const res = await cliRun(file, contract, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(res.code, describeResult(res)).toBe(0);
    expect(summaryOf(res).successRows).toBe(40);
    await withEngine(ws, async (engine) => {
      expect(await count(engine, 'SELECT count(*) FROM prod."d__changes"')).toBe(0);
      expect(await count(engine, 'SELECT count(DISTINCT d) FROM prod."d"')).toBe(new Set(rows.map((r) => r.split(',')[1])).size);
    });
    const out = join(dir, 'out');
    const exp = await runCli(['export', '--workspace', ws, '--out', out]);
    expect(exp.code, describeResult(exp)).toBe(0);
    const csv = parseCsv(readFileSync(join(out, 'clean.csv'), 'utf8'));
    const di = csv.header.indexOf('d'), ai = csv.header.indexOf('a');
    // Exports write dates in ISO 8601 (docs/contract.md), whatever format they arrived in.
    const iso = (v: string) => { const [d, m, y] = v.split('.'); return `${y}-${m}-${d}`; };
    const want = new Map(rows.map((r) => [r.split(',')[0], iso(r.split(',')[1])]));
    for (const r of csv.rows) expect(r[di], r[ai]).toBe(want.get(r[ai]));
    expect(csv.rows).toHaveLength(40);
  });
});
