// A contract from an untrusted source cannot make the engine read or write outside the workspace.
// Every hostile contract below is run for real (vault, ingest, validate, gates...) in a fresh
// workspace, and either refused with a clear one-line message (a UserError: exit 2 on the command
// line) or run with its odd values kept as data, never as SQL or as a path. After each, the
// filesystem outside the workspace is compared with a snapshot taken before: nothing added,
// changed or removed, and none of the files the contract aimed at exists.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../main/contract/errors.js';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { exportRun } from '../../main/export/exportRun.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { queryValue } from '../../main/store/duckdb.js';
import { tempDir } from '../helpers/tmp.js';
import { airlock, DEMO_CSV, REPO } from './helpers/proc.js';
import { changes, snapshot } from './helpers/fsWatch.js';

let base: string;
let outside: string;
/** Absolute paths outside every test folder that hostile contracts aim at; none may appear. */
let tmpTarget: string;
let repoTarget: string;
let csv: string;
let caseNo = 0;

type Yaml = Record<string, unknown>;

function baseContract(): Yaml {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'untrusted',
    name: 'customers',
    version: '1.0.0',
    schema: [{
      name: 'customers',
      properties: [
        { name: 'customer_id', logicalType: 'integer', primaryKey: true, required: true },
        { name: 'full_name', logicalType: 'string', required: true },
        { name: 'email', logicalType: 'string', logicalTypeOptions: { pattern: '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}' } },
        { name: 'phone', logicalType: 'string' },
        { name: 'state', logicalType: 'string' },
        { name: 'signup_date', logicalType: 'date', logicalTypeOptions: { format: '%Y-%m-%d' } },
        { name: 'lifetime_value', logicalType: 'number' },
        { name: 'status', logicalType: 'string', enum: ['active', 'inactive', 'pending'] },
      ],
    }],
  };
}

const table = (c: Yaml) => (c.schema as Yaml[])[0];
const props = (c: Yaml) => table(c).properties as Yaml[];

function withSqlCheck(query: string): Yaml {
  const c = baseContract();
  table(c).quality = [{ type: 'sql', description: 'a check from somewhere else', query, mustBe: 0 }];
  return c;
}

interface Outcome {
  error?: Error;
  summary?: RunSummary;
  prodRows: number;
  outsideChanges: string[];
  targetsPresent: string[];
  ws: string;
}

/** Runs `input` against the contract (YAML text or object) in a fresh workspace, watching the filesystem. */
async function attempt(contract: Yaml | string, input = csv): Promise<Outcome> {
  caseNo += 1;
  const dir = join(base, `case-${caseNo}`);
  mkdirSync(dir, { recursive: true });
  const contractPath = join(dir, 'contract.odcs.yaml');
  const file = join(dir, 'input.csv');
  writeFileSync(contractPath, typeof contract === 'string' ? contract : stringify(contract));
  writeFileSync(file, input);
  const ws = join(base, `ws-${caseNo}`);
  const skipWs = /^ws-\d+($|\/)/;
  const home = join(homedir(), '.duckdb');
  const before = [snapshot(base, skipWs), snapshot(home), snapshot(REPO, /^(node_modules|test|\.git|out|dist|scratch|bench|renderer)($|\/)/)];
  const engine = await openEngine(ws);
  const out: Outcome = { prodRows: 0, outsideChanges: [], targetsPresent: [], ws };
  try {
    out.summary = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
  } catch (e) {
    out.error = e as Error;
  }
  try {
    const tables = Number(await queryValue(engine.duck.conn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'prod' AND table_name NOT LIKE '%\\_\\_%' ESCAPE '\\'"));
    if (tables > 0) {
      const name = String(await queryValue(engine.duck.conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'prod' AND table_name NOT LIKE '%\\_\\_%' ESCAPE '\\' LIMIT 1"));
      out.prodRows = Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM prod."${name.replace(/"/g, '""')}"`));
    }
  } finally {
    engine.close();
  }
  const after = [snapshot(base, skipWs), snapshot(home), snapshot(REPO, /^(node_modules|test|\.git|out|dist|scratch|bench|renderer)($|\/)/)];
  out.outsideChanges = before.flatMap((b, i) => changes(b, after[i]));
  out.targetsPresent = [tmpTarget, repoTarget, join(outside, 'leak.csv'), join(outside, 'dump'), join(outside, 'evil.db'), join(outside, 'x.csv')].filter((p) => existsSync(p));
  return out;
}

function expectConfined(o: Outcome): void {
  expect(o.outsideChanges).toEqual([]);
  expect(o.targetsPresent).toEqual([]);
}

function expectRefused(o: Outcome, message: RegExp): void {
  expect(o.error, 'the contract was accepted').toBeDefined();
  expect(o.error).toBeInstanceOf(UserError);
  expect(o.error!.message).toMatch(message);
  expect(o.error!.message).not.toContain('\n');
  expect(o.prodRows).toBe(0);
  expectConfined(o);
}

beforeAll(() => {
  base = tempDir('proof-contract');
  outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'the secret\n');
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  tmpTarget = `/tmp/airlock-proof-${tag}`;
  repoTarget = join(REPO, `airlock-proof-${tag}.csv`);
  csv = readFileSync(DEMO_CSV, 'utf8').split('\n').slice(0, 41).join('\n') + '\n';
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(tmpTarget, { recursive: true, force: true });
  rmSync(repoTarget, { force: true });
});

describe('the instruments work (positive controls)', () => {
  it('a benign sql check over its own table runs, and the run completes confined to its workspace', async () => {
    const o = await attempt(withSqlCheck('SELECT count(*) FROM {object} WHERE customer_id IS NULL'));
    expect(o.error).toBeUndefined();
    expect(o.summary!.status).toBe('completed');
    expect(o.summary!.gates.map((g) => [g.metric, g.value, g.passed])).toEqual([['sql', 0, true]]);
    expect(o.prodRows).toBe(40);
    expectConfined(o);
  });

  it('the snapshot sees a file written outside the workspace', () => {
    const before = snapshot(base, /^ws-/);
    writeFileSync(join(outside, 'control.txt'), 'x');
    expect(changes(before, snapshot(base, /^ws-/))).toEqual(['added outside/control.txt']);
    rmSync(join(outside, 'control.txt'));
  });

  it('behind the checks, the workspace DuckDB itself refuses files outside the workspace', async () => {
    const ws = join(base, 'ws-direct');
    const engine = await openEngine(ws);
    try {
      await expect(engine.duck.conn.run(`COPY (SELECT 1) TO '${join(outside, 'x.csv')}'`)).rejects.toThrow(/Permission Error/);
      await expect(engine.duck.conn.run(`SELECT * FROM read_text('${join(outside, 'secret.txt')}')`)).rejects.toThrow(/Permission Error/);
      await expect(engine.duck.conn.run('SET enable_external_access = true')).rejects.toThrow(/lock|configuration/i);
    } finally {
      engine.close();
    }
    expect(existsSync(join(outside, 'x.csv'))).toBe(false);
  });
});

describe('a sql quality check cannot reach outside its batch', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['reads /etc/passwd with read_csv', () => "SELECT count(*) FROM read_csv('/etc/passwd')", /table function|read_csv/],
    ['reads a file beside the workspace with read_text', () => `SELECT count(*) FROM read_text('${join(outside, 'secret.txt')}')`, /table function|read_text/],
    ['lists files with glob', () => `SELECT count(*) FROM glob('${outside}/*')`, /table function|glob/],
    ['reads over the network', () => "SELECT count(*) FROM read_csv('https://evil.example/x.csv')", /table function|read_csv/],
    ['reads a file in a CTE', () => "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT count(*) FROM x", /read_csv|table function/],
    ['reads a file in a subquery', () => `SELECT count(*) FROM customers WHERE email IN (SELECT content FROM read_text('${join(outside, 'secret.txt')}'))`, /read_text|table function/],
    ['COPY TO a file outside', () => `COPY (SELECT * FROM customers) TO '${join(outside, 'leak.csv')}'`, /not a single SELECT/],
    ['COPY TO /tmp', () => `COPY customers TO '${tmpTarget}'`, /not a single SELECT/],
    ['COPY TO a relative path (the working directory)', () => `COPY customers TO 'airlock-proof-${tmpTarget.split('-').slice(-2).join('-')}.csv'`, /not a single SELECT/],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${join(outside, 'dump')}'`, /not a single SELECT/],
    ['ATTACH a database', () => `ATTACH '${join(outside, 'evil.db')}' AS evil`, /not a single SELECT/],
    ['INSTALL an extension', () => 'INSTALL httpfs', /not a single SELECT/],
    ['LOAD an extension', () => 'LOAD httpfs', /not a single SELECT/],
    ['SET the lock off', () => 'SET enable_external_access = true', /not a single SELECT/],
    ['reads a setting', () => "SELECT count(*) FROM customers WHERE current_setting('allowed_directories') IS NOT NULL", /current_setting/],
    ['two statements, the second a COPY', () => `SELECT count(*) FROM customers; COPY customers TO '${join(outside, 'x.csv')}'`, /one SELECT/],
    ['two statements, the second a DROP', () => 'SELECT 0; DROP TABLE prod.customers', /one SELECT/],
    ['reads production', () => 'SELECT count(*) FROM prod."customers"', /table "customers"|only customers/],
    ['reads quarantine of the same stream', () => 'SELECT count(*) FROM customers WHERE email IN (SELECT email FROM quarantine.customers)', /only customers/],
    ['reads sqlite_master', () => 'SELECT count(*) FROM sqlite_master', /sqlite_master/],
    ['reads information_schema', () => 'SELECT count(*) FROM information_schema.tables', /"tables"/],
    ['reads the catalog with SHOW ALL TABLES', () => "SELECT count(*) FROM (SHOW ALL TABLES) WHERE schema = 'prod'", /SHOW/],
    ['reads the catalog with DESCRIBE', () => 'SELECT count(*) FROM (DESCRIBE)', /SHOW|DESCRIBE/],
    ['reads a table through query_table', () => "SELECT count(*) FROM query_table('prod.customers')", /table function|query_table/],
    ['is not SQL at all', () => 'rm -rf /', /not a single SELECT/],
  ];

  it.each(cases)('refuses a check that %s, with nothing written outside', async (_what, query, message) => {
    const o = await attempt(withSqlCheck(query()));
    expectRefused(o, message);
    // The message names the contract file and the check's line, then what is wrong with it.
    expect(o.error!.message).toMatch(/\.odcs\.yaml:\d+: quality [^:]+: contract sql check/);
  });

  it('a table named like a system view still reads only its batch', async () => {
    const c = withSqlCheck('SELECT count(*) FROM {object}');
    table(c).name = 'duckdb_tables';
    (table(c).quality as Yaml[])[0].mustBe = 40;
    const o = await attempt(c);
    expect(o.error).toBeUndefined();
    // 40 rows of the batch, not the catalog's table count
    expect(o.summary!.gates[0]).toMatchObject({ value: 40, passed: true });
    expectConfined(o);
  });
});

describe('names and values from the contract are never paths or SQL', () => {
  const refusals: Array<[string, (c: Yaml) => void, RegExp]> = [
    ['a table name that climbs directories', (c) => (table(c).name = '../../etc'), /table name "..\/..\/etc" must be letters/],
    ['a table name with an absolute path', (c) => (table(c).name = '/tmp/x'), /must be letters, digits and underscores/],
    ['a table name that breaks out of its quotes', (c) => (table(c).name = 'x"; DROP TABLE prod.customers; --'), /must be letters, digits and underscores/],
    ['a schema-qualified table name', (c) => (table(c).name = 'prod.customers'), /must be letters, digits and underscores/],
    ['a table name from the contract name', (c) => { delete table(c).name; c.name = '../../../tmp/evil'; }, /must be letters, digits and underscores/],
    ['a pii kind that is a path', (c) => (props(c)[2].customProperties = [{ property: 'pii', value: '../../etc/passwd' }]), /pii must be one of/],
    ['a pii kind that is SQL', (c) => (props(c)[2].customProperties = [{ property: 'pii', value: "email'; DROP TABLE x; --" }]), /pii must be one of/],
    ['schemaEvolution with SQL', (c) => (table(c).customProperties = [{ property: 'schemaEvolution', value: "additive'; --" }]), /schemaEvolution must be strict or additive/],
    ['a functional dependency on an undeclared column', (c) => (table(c).customProperties = [{ property: 'functionalDependencies', value: [{ determinant: ['../../x'], dependent: ['state'] }] }]), /does not declare/],
    ['missingTokens that are not a list', (c) => (props(c)[3].customProperties = [{ property: 'missingTokens', value: "'); DROP TABLE x; --" }]), /missingTokens must be a list/],
    ['a logical type that is SQL', (c) => (props(c)[3].logicalType = 'VARCHAR); DROP TABLE x; --'), /logicalType .* is not one of/],
  ];

  it.each(refusals)('refuses %s with a clear message', async (_what, mutate, message) => {
    const c = baseContract();
    mutate(c);
    expectRefused(await attempt(c), message);
  });

  it('refuses a YAML alias bomb with a clear message', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `${levels.join('\n')}\n${stringify(baseContract())}`;
    expectRefused(await attempt(text), /cannot be expanded/);
  });

  it('runs an id, name and version that look like paths, and export writes only the usual files in the chosen folder', async () => {
    const c = baseContract();
    c.id = `../../../..${tmpTarget}`;
    c.name = '..\\..\\evil';
    c.version = '../../1.0';
    const o = await attempt(c);
    expect(o.error).toBeUndefined();
    expect(o.summary!.status).toBe('completed');
    expectConfined(o);
    const out = join(o.ws, 'export');
    const before = snapshot(base, /^ws-/);
    const engine = await openEngine(o.ws, [out]);
    try {
      const res = await exportRun(engine, { runId: o.summary!.runId, outDir: out, format: 'csv' });
      expect(res.files.map((f) => f.path)).toEqual([join(out, 'clean.csv'), join(out, 'quarantine.csv')]);
      expect(res.bundle.dir).toBe(join(out, 'bundle'));
    } finally {
      engine.close();
    }
    expect(changes(before, snapshot(base, /^ws-/))).toEqual([]);
    expect((await verifyBundle(join(out, 'bundle'))).ok).toBe(true);
    expect(existsSync(tmpTarget)).toBe(false);
  });

  it('keeps column names that look like SQL or paths as plain column names', async () => {
    const odd = ['../../etc/passwd', 'x"; DROP TABLE prod.customers; --', "a'); COPY prod.customers TO '/tmp/x.csv'; --", 'select'];
    const c = baseContract();
    table(c).properties = [
      { name: 'customer_id', logicalType: 'integer', primaryKey: true, required: true },
      ...odd.map((name) => ({ name, logicalType: 'string' })),
    ];
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const input = [['customer_id', ...odd].map(q).join(','), ...Array.from({ length: 12 }, (_, i) => [String(i + 1), 'a', 'b', 'c', 'd'].join(','))].join('\n') + '\n';
    const o = await attempt(c, input);
    expect(o.error).toBeUndefined();
    expect(o.summary!).toMatchObject({ status: 'completed', sourceRows: 12, successRows: 12 });
    expect(o.prodRows).toBe(12);
    expectConfined(o);
  });

  it('treats enum values, patterns, formats and missing tokens that look like SQL as data', async () => {
    const inject = `x'); COPY (SELECT 1) TO '${tmpTarget}'; --`;
    const c = baseContract();
    props(c)[7].enum = ['active', 'inactive', 'pending', inject];
    props(c)[2].logicalTypeOptions = { pattern: `([a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,})|(${inject.replace(/[()]/g, '')})` };
    props(c)[5].logicalTypeOptions = { format: `%Y-%m-%d${inject.replace(/%/g, '')}` };
    props(c)[3].customProperties = [{ property: 'missingTokens', value: [inject, "'; DROP TABLE prod.customers; --"] }];
    props(c)[4].quality = [{ metric: 'invalidValues', arguments: { validValues: ['CO', 'NY', inject] }, mustBeLessOrEqualTo: 1000 }];
    const o = await attempt(c);
    expect(o.error).toBeUndefined();
    expect(o.summary!.reconciled).toBe(true);
    expect(o.summary!.sourceRows).toBe(40);
    expectConfined(o);
  });
});

describe('the command line', () => {
  it.each([
    ['a table name that climbs directories', (c: Yaml) => (table(c).name = '../../etc')],
    ['a sql check that reads /etc/passwd', (c: Yaml) => Object.assign(c, withSqlCheck("SELECT count(*) FROM read_csv('/etc/passwd')"))],
    ['a sql check that COPYs out', (c: Yaml) => Object.assign(c, withSqlCheck(`COPY customers TO '${tmpTarget}'`))],
  ])('exits 2 with one line for %s', async (_what, mutate) => {
    const c = baseContract();
    mutate(c);
    caseNo += 1;
    const dir = join(base, `cli-${caseNo}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'c.odcs.yaml'), stringify(c));
    writeFileSync(join(dir, 'in.csv'), csv);
    const r = await airlock(['run', join(dir, 'in.csv'), '--contract', join(dir, 'c.odcs.yaml'), '--workspace', join(base, `ws-cli-${caseNo}`), '--no-model', '--no-embedder']);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('airlock'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^airlock: /);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(tmpTarget)).toBe(false);
  });
});
