// Interop proof: every contract Airlock ships or writes is valid ODCS v3.1 for the official JSON
// schema (ajv), for datacontract-cli's linter and for PyYAML; and real-world-shaped ODCS files
// (nested types, time, JDK formats, ${model} SQL checks, pii: true, no logicalType) load and run.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { applyForm, formOfContract } from '../../main/api/contractForm.js';
import { profileFile } from '../../main/contract/profile.js';
import { openLockedDuckDB, type LockedDuckDB } from '../../main/store/duckdb.js';
import { cliRun, describeResult, runCli, summaryOf } from '../helpers/cli.js';
import { withEngine } from '../helpers/fixtures.js';
import { datacontractVenv, run } from '../helpers/pythonTools.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { seeded as seededRng } from '../helpers/seeded.js';

/** The shared seeded generator (test/helpers/seeded.ts), as a plain function of no arguments. */
const rng = (seed: number): (() => number) => seededRng(seed).next;

const ODCS = join(REPO_ROOT, 'test', 'fixtures', 'odcs');
const addFormats = addFormatsModule as unknown as (a: Ajv2019) => void;

/** A table with the column kinds profile writes options for: codes with a pattern, closed sets, dates, numbers. */
function generatedTable(seed: number): string {
  const r = rng(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const statuses = ['yes', 'no', 'on', 'off', 'n/a', 'Active', 'Closed: late'].slice(0, 2 + Math.floor(r() * 5));
  const rows = ['id,code,rate,status,day,amount,note'];
  const n = 60 + Math.floor(r() * 80);
  for (let i = 1; i <= n; i++) {
    const code = `${Math.floor(r() * 10)}.${Math.floor(r() * 1000)}${r() < 0.5 ? '%' : ''}`;
    const rate = `${pick(['A', 'B', 'C'])}-${String(Math.floor(r() * 1000)).padStart(3, '0')}`;
    const d = new Date(Date.UTC(2000 + Math.floor(r() * 24), Math.floor(r() * 12), 1 + Math.floor(r() * 28)));
    const day = seed % 2 ? d.toISOString().slice(0, 10) : `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
    rows.push([i, code, rate, pick(statuses), day, (r() * 1e4).toFixed(2), `"free, text ${Math.floor(r() * 1e6)}"`].join(','));
  }
  return `${rows.join('\n')}\n`;
}

let db: LockedDuckDB;
let dir: string;
const written: Array<{ name: string; path: string }> = [];

beforeAll(async () => {
  dir = tempDir('odcs');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [SHARED, dir], threads: 2 });
  const inputs: Array<[string, string]> = [
    ['hospital', join(SHARED, 'bench', 'hospital', 'dirty.csv')],
    ['beers', join(SHARED, 'bench', 'beers', 'dirty.csv')],
  ];
  for (const seed of [11, 12, 13, 14]) {
    const p = join(dir, `gen${seed}.csv`);
    writeFileSync(p, generatedTable(seed));
    inputs.push([`generated ${seed}`, p]);
  }
  for (const [name, p] of inputs) {
    const proposal = await profileFile(db.conn, p, `${name}.csv`, { scratchDir: dir });
    const out = join(dir, `${name.replace(/\W+/g, '_')}.odcs.yaml`);
    writeFileSync(out, proposal.yaml);
    written.push({ name: `profile of ${name}`, path: out });
  }
  // The contract form writes closed sets too: a changed set, a new one, and one from the old enum key.
  const sample = readFileSync(join(REPO_ROOT, 'resources', 'sample', 'customers.odcs.yaml'), 'utf8');
  const form = formOfContract(parseContract(sample));
  form.columns.find((c) => c.name === 'status')!.enum = ['active', 'closed'];
  form.columns.find((c) => c.name === 'phone')!.enum = ['555-000-0000', '555-111-1111'];
  const formOut = join(dir, 'form.odcs.yaml');
  writeFileSync(formOut, applyForm(sample, form));
  written.push({ name: 'contract form edit', path: formOut });
}, 600_000);
afterAll(() => db?.close());

function shipped(): Array<{ name: string; path: string }> {
  const fixtures = readdirSync(ODCS).filter((f) => f.endsWith('.odcs.yaml')).map((f) => ({ name: `fixture ${f}`, path: join(ODCS, f) }));
  return [{ name: 'resources/sample/customers.odcs.yaml', path: join(REPO_ROOT, 'resources', 'sample', 'customers.odcs.yaml') }, ...fixtures, ...written];
}

describe('every contract Airlock ships or writes is ODCS v3.1', () => {
  it('is valid for the official JSON schema (ajv)', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ODCS, 'odcs-3.1.0.schema.json'), 'utf8')));
    const all = shipped();
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const c of all) {
      const ok = validate(parseYaml(readFileSync(c.path, 'utf8')));
      expect(ok, `${c.name}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`).toBe(true);
      // and Airlock itself reads it
      expect(() => parseContract(readFileSync(c.path, 'utf8'), c.path)).not.toThrow();
    }
    // The schema is not a rubber stamp: the old property-level enum is refused by it.
    const withEnum = parseYaml(readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8'));
    expect(validate(withEnum)).toBe(false);
  });

  it('writes closed sets as invalidValues checks and never an enum key', () => {
    for (const c of written) {
      const y = parseYaml(readFileSync(c.path, 'utf8')) as { schema: Array<{ properties: Array<Record<string, unknown>> }> };
      for (const p of y.schema[0].properties) expect(p.enum, `${c.name} ${String(p.name)}`).toBeUndefined();
    }
    const sets = written.flatMap((c) => parseContract(readFileSync(c.path, 'utf8')).columns.filter((x) => x.enum));
    expect(sets.length).toBeGreaterThan(2);
  });

  it('is read by PyYAML and passes datacontract lint', () => {
    const { python, datacontract } = datacontractVenv();
    for (const c of shipped()) {
      const text = readFileSync(c.path, 'utf8');
      const py = run(python, ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))'], text);
      expect(py.code, `${c.name}: PyYAML: ${py.stderr}`).toBe(0);
      // PyYAML reads every pattern to the same string as the engine's YAML parser
      const js = parseContract(text).columns.map((x) => x.pattern ?? null);
      const pyCols = (JSON.parse(py.stdout) as { schema: Array<{ properties: Array<{ logicalTypeOptions?: { pattern?: string } }> }> }).schema[0].properties;
      expect(pyCols.map((x) => x.logicalTypeOptions?.pattern ?? null), c.name).toEqual(js);
      const lint = run(datacontract, ['lint', c.path]);
      expect(lint.code, `${c.name}: datacontract lint:\n${lint.stdout}\n${lint.stderr}`).toBe(0);
    }
  }, 900_000);
});

describe('real-world-shaped ODCS files load and run', () => {
  it('orders: object/array carried as text, time with range, JDK timestamp with offset, ${model} and {model} sql checks', async () => {
    const ws = join(dir, 'ws-orders');
    const res = await cliRun(join(ODCS, 'orders.csv'), join(ODCS, 'orders.odcs.yaml'), ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect(res.code, describeResult(res)).toBe(0);
    const s = summaryOf(res);
    expect(s.sourceRows).toBe(4);
    expect(s.gates?.map((g) => [g.name, g.value, g.passed])).toEqual([['table.sql#0', 4, true], ['order_total.sql#0', 0, true], ['status.invalidValues#0', 25, true]]);
    await withEngine(ws, async (engine) => {
      const r = await engine.duck.conn.runAndReadAll(`SELECT v.row_id, v."column", v.reason FROM quarantine."orders__violations" v ORDER BY 1, 2, 3`);
      expect(r.getRowsJS().map((x) => x.map(String).join(' '))).toEqual([
        '2 pickup_time OUT_OF_RANGE',
        '3 order_total TYPE_MISMATCH',
        '3 status NOT_IN_SET',
        '4 order_timestamp TYPE_MISMATCH',
      ]);
      const p = await engine.duck.conn.runAndReadAll(`SELECT epoch(order_timestamp)::BIGINT, shipping_address, line_items, channel_note, CAST(pickup_time AS VARCHAR) FROM prod."orders"`);
      expect(p.getRowsJS().map((x) => x.map(String))).toEqual([
        [String(Date.UTC(2024, 2, 1, 8, 15) / 1000), '{"street": "1 Main St", "city": "Bend"}', '["sku-1", "sku-2"]', 'web', '09:30:00'],
      ]);
    });
  });

  it('people: JDK date format, pii true, no logicalType, closed set with a gate, sql check over the typed batch', async () => {
    const ws = join(dir, 'ws-people');
    const res = await cliRun(join(ODCS, 'people.csv'), join(ODCS, 'people.odcs.yaml'), ws, ['--no-model', '--no-embedder', '--approve-all']);
    const s = summaryOf(res);
    // age 174 is the one typed value over 130 ('old' is not a number, so NULL in the typed view)
    expect(s.gates?.map((g) => [g.name, g.value, g.passed]), describeResult(res)).toEqual([['table.sql#0', 1, false], ['country.invalidValues#0', 20, true]]);
    expect(s.status).toBe('held');
    const c = parseContract(readFileSync(join(ODCS, 'people.odcs.yaml'), 'utf8'));
    expect(c.columns.find((x) => x.name === 'name')).toMatchObject({ logicalType: 'string', pii: 'other' });
    await withEngine(ws, async (engine) => {
      const r = await engine.duck.conn.runAndReadAll(`SELECT v.row_id, v."column", v.reason FROM quarantine."people__violations" v ORDER BY 1, 2, 3`);
      expect(r.getRowsJS().map((x) => x.map(String).join(' '))).toEqual([
        '3 birth_date TYPE_MISMATCH', // 30.02.2001 is no date
        '4 birth_date OUT_OF_RANGE', // 1850 is before the minimum 1900-01-01
        '5 age TYPE_MISMATCH',
        '5 country NOT_IN_SET',
      ]);
    });
  });
});

describe('the contract inside an export bundle', () => {
  it('of a run with a profiled contract is valid ODCS v3.1 for the official JSON schema, inferred markers and all', async () => {
    const profiled = written.find((c) => c.name === 'profile of beers');
    expect(profiled).toBeDefined();
    const ws = join(dir, 'ws-bundle-schema');
    const run = await cliRun(join(SHARED, 'bench', 'beers', 'dirty.csv'), profiled!.path, ws, ['--no-model', '--no-embedder', '--approve-all']);
    expect([0, 4], describeResult(run)).toContain(run.code);
    const out = join(dir, 'out-bundle-schema');
    const exp = await runCli(['export', '--workspace', ws, '--out', out]);
    expect(exp.code, describeResult(exp)).toBe(0);
    const bundled = readFileSync(join(out, 'bundle', 'contract.odcs.yaml'), 'utf8');
    // the bundle holds the contract exactly as the run used it, so the markers are in it
    expect(bundled).toBe(readFileSync(profiled!.path, 'utf8'));
    expect(bundled).toContain('property: inferred');
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ODCS, 'odcs-3.1.0.schema.json'), 'utf8')));
    expect(validate(parseYaml(bundled)), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
  }, 300_000);
});
