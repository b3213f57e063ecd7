// Adversarial inputs to `airlock profile`: hostile cell text and column names must give a
// proposal that parses back, and no proposed rule may be broken by more than the non-dominant
// share of the very file profiled.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFile, type ContractProposal } from '../../main/contract/profile.js';
import { parseContract } from '../../main/contract/load.js';
import { FD_MASK } from '../../main/contract/profileFds.js';
import { proposalYaml } from '../../main/contract/profileYaml.js';
import { API } from '../../main/api/contract.js';
import { formOfContract } from '../../main/api/contractForm.js';
import { readInput } from '../../main/ingest/readInput.js';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

let db: LockedDuckDB;
let dir: string;
let n = 0;

beforeAll(async () => {
  dir = tempDir('profile-adversarial');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 2 });
});
afterAll(() => db?.close());

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

async function profileOf(columns: Record<string, string[]>, displayName?: string): Promise<{ p: ContractProposal; path: string }> {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  const lines = [names.map(quote).join(',')];
  for (let i = 0; i < rows; i++) lines.push(names.map((c) => quote(columns[c][i])).join(','));
  const path = join(dir, `t${++n}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { p: await profileFile(db.conn, path, displayName ?? `t${n}.csv`, { scratchDir: dir }), path };
}

const ids = (k: number) => Array.from({ length: k }, (_, i) => String(i + 1));
const column = (k: number, values: string[], dirt: Record<number, string> = {}) => Array.from({ length: k }, (_, i) => dirt[i] ?? values[i % values.length]);

/** Per column and reason, the share of its rows the proposal flags in the file it came from. */
async function worstShare(p: ContractProposal, path: string): Promise<{ col: string; reason: string; share: number }[]> {
  await readInput(db.conn, path, path, 'checked', 'checked_bad', dir);
  const { sql } = compileViolations(p.contract, 'checked');
  const rows = await queryRows<{ col: string; reason: string; k: number; total: number }>(db.conn, `
    SELECT v."column" AS col, v.reason, count(DISTINCT v.row_id) AS k, (SELECT count(*) FROM checked) AS total
    FROM (${sql}) v GROUP BY ALL`);
  return rows.map((r) => ({ col: r.col, reason: r.reason, share: Number(r.k) / Number(r.total) }));
}

const HOSTILE = [
  "it's", '"quoted"', 'back\\slash', 'a.*b+', '(x|y)', '50%', '%s', 'x'.repeat(300), '١٢٣', '１２３',
  '\u00a0pad\u00a0', '\tpad\t', '1e5 oz', '-12 oz', '12..0 oz', '$-5', '12 oz 3', 'yes', 'no', 'null', '~', '#x',
  '- a', ': b', 'key: value', '&a', '*a', '!tag', '@', '`', '{a}', '[b]', '|', '>', 'new\nline', 'cr\rhere',
  'nel\u0085x', 'ls\u2028x', '\ufeffbom', 'é', 'Ω', '🙂', "'", '"', '0x1F', '007', '1,000', '.5', '+3',
];

describe('hostile column names and values', () => {
  it('column names that need quoting profile and round-trip', async () => {
    const k = 60;
    const { p } = await profileOf({
      'my id': ids(k), 'a "quoted" col': column(k, ['x', 'y', 'z']), 'select * from t': column(k, ['1', '2']),
      'ünïcødé': column(k, ['US', 'USA', 'United States']), 'it\'s': column(k, ['a', 'b', 'c', 'd']),
    });
    expect(p.contract.columns.map((c) => c.name)).toEqual(['my id', 'a "quoted" col', 'select * from t', 'ünïcødé', 'it\'s']);
  }, 60_000);

  it('every hostile value in an enum-like column round-trips', async () => {
    for (const h of HOSTILE) {
      const k = 60;
      const { p } = await profileOf({ id: ids(k), v: column(k, ['a', 'b', h], { 5: h, 7: `${h} `, 9: h.toUpperCase() }) });
      expect(() => parseContract(p.yaml), JSON.stringify(h)).not.toThrow();
      expect(parse(p.yaml)).toBeTruthy();
    }
  }, 120_000);

  it('a header comment with a newline in the display name does not break the YAML', async () => {
    const { p } = await profileOf({ id: ids(30), v: column(30, ['a', 'b']) }, 'evil\nname: x\r.csv');
    expect(() => parseContract(p.yaml)).not.toThrow();
  }, 60_000);

  it('a misspelling left out of a set, with a line break in it, does not break the YAML', async () => {
    const k = 400;
    const { p } = await profileOf({ id: ids(k), v: column(k, ['alpha', 'beta', 'gamma'], { 3: 'alph\na', 5: 'bet\ra', 11: 'gam\u0085ma' }) });
    expect(() => parseContract(p.yaml)).not.toThrow();
  }, 60_000);
});

describe('property: hostile random tables', () => {
  it('proposal parses, and no rule is broken by more than 20% of the file (150 seeded tables)', async () => {
    for (let seed = Number(process.env.ADV_SEED ?? 1); seed <= Number(process.env.ADV_SEED ?? 150); seed++) {
      const r = seeded(seed);
      const rows = r.int(20, 80);
      const cols: Record<string, string[]> = { id: ids(rows) };
      const ncol = r.int(1, 4);
      for (let c = 0; c < ncol; c++) {
        const base = Array.from({ length: r.int(1, 5) }, () => r.pick(HOSTILE));
        const kind = r.int(0, 3);
        cols[`c${c} ${r.pick(['', '"', "'", 'é', ' x'])}`] = Array.from({ length: rows }, (_, i) => {
          if (kind === 1) return r.chance(0.9) ? `${r.int(1, 99)} ${r.pick(['oz', 'OZ.', 'ounce'])}` : r.pick(HOSTILE);
          if (kind === 2) return r.chance(0.9) ? String(i * 3) : r.pick(HOSTILE);
          if (kind === 3) return r.chance(0.9) ? `2024-0${r.int(1, 9)}-1${r.int(0, 9)}` : r.pick(HOSTILE);
          return r.chance(0.85) ? r.pick(base) : r.pick(HOSTILE);
        });
      }
      // a column that follows the first one, with hostile dirt: a dependency to find (or not)
      const first = Object.keys(cols)[1];
      if (first) cols.derived = cols[first].map((v) => (r.chance(0.1) ? r.pick(HOSTILE) : `d:${v.length % 4}`));
      const { p, path } = await profileOf(cols);
      if (process.env.ADV_DEBUG) console.log(seed, JSON.stringify(cols).slice(0, 1500), p.yaml);
      expect(() => parseContract(p.yaml), `seed ${seed}`).not.toThrow();
      expect(() => API.applyContractForm.input.parse({ yaml: p.yaml, form: formOfContract(p.contract) }), `seed ${seed}`).not.toThrow();
      // Unit columns are left out: the contract has no unit, the values written with one fail the type until a repair strips it (reported).
      const units = new Set(p.columns.filter((c) => c.unit).map((c) => c.name));
      const bad = (await worstShare(p, path)).filter((x) => x.share > 0.2 + 1e-9 && !(units.has(x.col) && x.reason === 'TYPE_MISMATCH'));
      expect(bad, `seed ${seed}`).toEqual([]);
    }
  }, 600_000);
});

describe('evidence says what validation will say', () => {
  it('a required column with a blank and a missing token does not claim every row has a value', async () => {
    const k = 200;
    const { p } = await profileOf({ id: ids(k), n: column(k, ids(k), { 3: '', 8: 'N/A' }) });
    const c = p.contract.columns.find((x) => x.name === 'n')!;
    expect(c.required).toBe(true);
    const r = c.inferred!.find((x) => x.rule === 'required')!;
    expect(r.share).toBeCloseTo(198 / 200, 4);
    expect(r.evidence).not.toMatch(/^all /);
  }, 60_000);
});

describe('the FD mask sentinel as cell text', () => {
  it('a cell holding the sentinel text profiles and round-trips', async () => {
    const k = 300;
    const { p } = await profileOf({ id: ids(k), a: column(k, ['x', 'y', 'z']), b: column(k, ['1', '2', '3'], { 4: FD_MASK }) });
    expect(() => parseContract(p.yaml)).not.toThrow();
    expect(p.fds.some((f) => f.determinant.join() === 'a' && f.dependent.includes('b'))).toBe(true);
  }, 60_000);
});

describe('dominant forms written in hostile ways', () => {
  const FW = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const AR = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
  const forms: [string, (i: number) => string][] = [
    ['full-width digits', (i) => FW(String(i * 7))],
    ['arabic-indic digits', (i) => AR(String(i * 7))],
    ['nbsp padded', (i) => `\u00a0${i * 7}\u00a0`],
    ['tab padded', (i) => `\t${i * 7}`],
    ['thousands', (i) => (i * 1234).toLocaleString('en-US')],
    ['exponent', (i) => `${i}e3`],
    ['exponent oz', (i) => `${i}e5 oz`],
    ['negative oz', (i) => `-${i} oz`],
    ['double dot oz', (i) => `${i}..0 oz`],
    ['negative dollars', (i) => `$-${i}`],
    ['dollars', (i) => `$${i}.99`],
    ['oz then digit', (i) => `${i} oz ${i % 3}`],
    ['percent spaced', (i) => `${i % 100} %`],
    ['nbsp date', (i) => `2024-0${1 + (i % 9)}-1${i % 10}\u00a0`],
    ['slash dates', (i) => `${1 + (i % 12)}/${1 + (i % 28)}/2024`],
    ['dotted dates', (i) => `${1 + (i % 28)}.${1 + (i % 12)}.2024`],
    ['unicode letters', (i) => `ÄÖ-${i}`],
    ['regex metachar codes', (i) => `a.b*${i}+(c)`],
    ['percent signs in text', (i) => `%${i}%_`],
  ];
  for (const [name, f] of forms) {
    it(`${name}: no proposed rule is broken by more than 20% of the file`, async () => {
      const k = 200;
      const { p, path } = await profileOf({ id: ids(k), v: Array.from({ length: k }, (_, i) => (i % 10 === 3 ? 'junk' : f(i + 1))) });
      expect(() => parseContract(p.yaml)).not.toThrow();
      const units = new Set(p.columns.filter((c) => c.unit).map((c) => c.name));
      const bad = (await worstShare(p, path)).filter((x) => x.share > 0.2 + 1e-9 && !(units.has(x.col) && x.reason === 'TYPE_MISMATCH'));
      if (process.env.ADV_DEBUG) { const c = p.contract.columns[1]; console.log(name, c.logicalType, c.format, c.pattern, c.enum?.slice(0, 5), p.columns[1].unit, JSON.stringify(c.inferred?.map((r) => [r.rule, r.share, r.evidence.slice(0, 200)]))); }
      expect(bad, JSON.stringify(p.columns[1], null, 0).slice(0, 600)).toEqual([]);
    }, 60_000);
  }
});

describe('folded value sets', () => {
  const cases: [string, string[]][] = [
    ['two spellings of one country, half and half', ['US', 'USA']],
    ['three spellings of one country', ['US', 'USA', 'United States', 'DE', 'Germany', 'Deutschland']],
    ['case variants half and half', ['gold', 'Gold', 'silver', 'Silver']],
    ['punctuation variants', ['A-1', 'A 1', 'a.1', 'B-2', 'B 2', 'b.2']],
    ['currency code and symbol', ['USD', '$', 'EUR', '€']],
    ['a quarter written the long way', ['US', 'US', 'US', 'USA']],
    ['variants 30% in all', ['gold', 'gold', 'gold', 'gold', 'gold', 'gold', 'gold', 'Gold', 'GOLD', ' gold', 'silver']],
    ['country variants 30%', ['US', 'US', 'US', 'US', 'US', 'US', 'USA', 'U.S.', 'United States', 'DE']],
  ];
  for (const [name, values] of cases) {
    it(`${name}: the set proposed is not broken by more than 20% of the file`, async () => {
      const k = 300;
      const { p, path } = await profileOf({ id: ids(k), v: column(k, values) });
      const c = p.contract.columns[1];
      if (process.env.ADV_DEBUG) console.log(name, c.logicalType, c.enum, JSON.stringify(c.inferred));
      const bad = (await worstShare(p, path)).filter((x) => x.share > 0.2 + 1e-9);
      expect(bad, `${JSON.stringify(c.enum)} ${JSON.stringify(c.inferred)}`).toEqual([]);
    }, 60_000);
  }
});

describe('headers the contract loader is strict about', () => {
  for (const [name, header] of [['names differing in case', ['id', 'Name', 'name']], ['an empty name', ['id', '', 'x']], ['a reserved prefix', ['id', '_airlock_row_id', 'x']], ['a name with a newline', ['id', 'a\nb', 'x']], ['a duplicate name', ['id', 'x', 'x']]] as const) {
    it(`${name}: a proposal that loads, or one clear error`, async () => {
      const k = 30;
      const cols = Object.fromEntries(header.map((h, j) => [h + '\u0000'.repeat(j), j === 0 ? ids(k) : column(k, ['a', 'b'])]));
      // keys are made unique for the object; the CSV gets the raw header
      const lines = [header.map(quote).join(',')];
      for (let i = 0; i < k; i++) lines.push(Object.values(cols).map((c) => quote(c[i])).join(','));
      const path = join(dir, `h${++n}.csv`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      try {
        const p = await profileFile(db.conn, path, `h${n}.csv`, { scratchDir: dir });
        expect(() => parseContract(p.yaml)).not.toThrow();
      } catch (e) {
        if (process.env.ADV_DEBUG) console.log(name, String(e));
        expect((e as Error).name, String((e as Error).stack)).toBe('UserError');
        expect((e as Error).message).not.toMatch(/\(proposed\)|\(draft\)/);
      }
    }, 60_000);
  }
});

describe('dependencies measured on what masking leaves', () => {
  it('a dependent whose values are mostly masked (written with a unit) gets no dependency from the few rows left', async () => {
    const r = seeded(7);
    const k = 400;
    const style = Array.from({ length: k }, () => `s${r.int(1, 60)}`);
    // size is independent of style; 90% written with a unit (the type check fails them), 10% bare
    const size = Array.from({ length: k }, () => { const v = r.pick(['12', '16', '24', '32', '8']); return r.chance(0.9) ? `${v} ${r.pick(['oz', 'OZ.', 'ounce'])}` : v; });
    const { p } = await profileOf({ id: ids(k), style, size });
    if (process.env.ADV_DEBUG) console.log(p.columns[2].inferredType, p.columns[2].unit, JSON.stringify(p.fds.map((f) => [f.determinant, f.dependent, f.support])));
    expect(p.fds.filter((f) => f.dependent.includes('size'))).toEqual([]);
  }, 60_000);
});

describe('dependency evidence on masked rows', () => {
  it('a dependent mostly masked (written with a unit) gets no dependency that validation then breaks on most rows', async () => {
    const r = seeded(8);
    const k = 400;
    const style = Array.from({ length: k }, () => `s${r.int(1, 20)}`);
    const size = style.map((s) => { const v = String(8 + Number(s.slice(1))); return r.chance(0.85) ? `${v} ${r.pick(['oz', 'OZ.', 'ounce'])}` : v; });
    const { p, path } = await profileOf({ id: ids(k), style, size });
    await readInput(db.conn, path, path, 'checked', 'checked_bad', dir);
    const { sql } = compileViolations(p.contract, 'checked');
    const fd = await queryRows<{ k: number }>(db.conn, `SELECT count(DISTINCT row_id) AS k FROM (${sql}) WHERE reason = 'FD_VIOLATION'`);
    expect(Number(fd[0].k), JSON.stringify(p.contract.fds)).toBeLessThanOrEqual(0.2 * k);
  }, 60_000);

  it('a dependency measured on part of the rows (its determinant blank on the rest) says on how many', async () => {
    const r = seeded(9);
    const k = 400;
    const style = Array.from({ length: k }, (_, i) => (i % 4 === 0 ? '' : `s${r.int(1, 20)}`));
    const size = style.map((s) => (s ? `x${s}` : r.pick(['xa', 'xb'])));
    const { p } = await profileOf({ id: ids(k), style, size });
    const fd = p.contract.fds.find((f) => f.determinant.join() === 'style' && f.dependent.includes('size'));
    expect(fd?.inferred?.evidence).toMatch(/holds on every row measured \(300 of 400 rows/);
  }, 60_000);
});

describe('evidence text', () => {
  it('a long counterexample is shortened without splitting a character in two', async () => {
    const k = 100;
    const long = `${'x'.repeat(39)}🙂🙂 tail`;
    const { p } = await profileOf({ id: ids(k), n: column(k, ids(k), { 3: long, 5: long }) });
    if (process.env.ADV_DEBUG) console.log(p.yaml.split('\n').filter((l) => l.includes('xxxx')).join('\n'));
    expect(p.yaml).toContain('🙂');
    expect(p.yaml).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\\ud[89a-f]/i);
    expect(p.contract.columns[1].inferred![0].evidence).toContain(`'${'x'.repeat(39)}🙂…'`);
  }, 60_000);
});

describe('comments in the proposal', () => {
  it('an excluded misspelling with a line break stays inside its comment', async () => {
    const k = 100;
    const { p } = await profileOf({ id: ids(k), v: column(k, ['alpha', 'beta']) });
    const columns = p.columns.map((c) => ({ ...c }));
    const c = columns[1];
    expect(c.enum).toBeDefined();
    for (const bad of ['alph\nschema: []', 'bet\ra: 1', 'x\u2028y: 2', 'z\u0085w: 3']) {
      c.enumExcluded = [bad];
      const yaml = proposalYaml({ table: 't', displayName: 'x\ny: 1', rows: k, malformedRows: 0 }, columns, []);
      const contract = parseContract(yaml);
      expect(contract.columns[1].enum, JSON.stringify(bad)).toEqual(c.enum);
      expect(Object.keys(parse(yaml))).toEqual(['apiVersion', 'kind', 'id', 'name', 'version', 'status', 'schema']);
    }
  }, 60_000);
});

describe('column names that the profile\'s own SQL uses', () => {
  it('columns named dep, val, col, v, c, n hold dependencies like any others', async () => {
    const r = seeded(11);
    const k = 300;
    const dep = Array.from({ length: k }, () => `g${r.int(1, 15)}`);
    const val = dep.map((g) => `v${g}`);
    const { p } = await profileOf({ id: ids(k), dep, val, col: val.map((x) => `c${x}`), v: column(k, ['a', 'b', 'c']), c: dep.map((g) => `n${g}`), n: column(k, ['1', '2', '3', '4']) });
    expect(p.fds.some((f) => f.determinant.join() === 'dep' && f.dependent.includes('val') && f.dependent.includes('c')), JSON.stringify(p.fds.map((f) => [f.determinant, f.dependent]))).toBe(true);
  }, 60_000);

  it('a column with the reserved prefix is one clear error about the file', async () => {
    const path = join(dir, `r${++n}.csv`);
    writeFileSync(path, `id,_airlock_det\n${ids(20).map((i) => `${i},x`).join('\n')}\n`);
    const e = await profileFile(db.conn, path, `r${n}.csv`, { scratchDir: dir }).then(() => undefined, (x: Error) => x);
    if (process.env.ADV_DEBUG) console.log(String(e));
    expect(e).toMatchObject({ name: 'UserError' });
    expect(String((e as Error).message)).toMatch(new RegExp(`^r${n}\\.csv:1: column 2 of the header`));
  }, 60_000);
});

describe('YAML 1.1 readers', () => {
  it('values and names a YAML 1.1 reader would take for numbers, dates or booleans come back as the same text', async () => {
    const tricky = ['1_000', '1:20', '0b101', '0x1F', '0777', '2024-01-01', '.inf', '-.inf', '.NaN', 'Y', 'n', 'On', 'OFF', '=', '<<', '~', 'NULL', '1e3', '+12', '.5'];
    const k = tricky.length * 30;
    const cols: Record<string, string[]> = { id: ids(k), v: Array.from({ length: k }, (_, i) => tricky[i % tricky.length]) };
    for (const t of tricky.slice(0, 8)) cols[t] = column(k, ['a', 'b']);
    const { p } = await profileOf(cols);
    const doc = parse(p.yaml, { version: '1.1' }) as { schema: { properties: { name: unknown; quality?: { arguments: { validValues: unknown[] } }[] }[] }[] };
    const props = doc.schema[0].properties;
    expect(props.map((x) => x.name)).toEqual(Object.keys(cols));
    const set = props[1].quality?.[0]?.arguments.validValues;
    expect(set, p.yaml.slice(0, 3000)).toEqual([...p.contract.columns[1].enum!]);
  }, 60_000);
});

describe('markers the contract screen can send back', () => {
  it('counterexamples of a file with very long cells fit the contract form (main/api/contract.ts inferredRule: 10,000 characters each)', async () => {
    const k = 200;
    const huge = `${'y'.repeat(12_000)}`;
    const style = Array.from({ length: k }, (_, i) => `s${i % 10}`);
    const city = style.map((s, i) => (i === 7 || i === 17 ? `${huge}${i}` : `c${s}`));
    const { p } = await profileOf({ id: ids(k), n: column(k, ids(k), { 3: huge, 5: `${huge}z` }), style, city });
    const rules = [...p.contract.columns.flatMap((c) => c.inferred ?? []), ...p.contract.fds.flatMap((f) => (f.inferred ? [f.inferred] : []))];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.counterexamples.length).toBeLessThanOrEqual(100);
      for (const x of r.counterexamples) expect(x.length, r.rule).toBeLessThanOrEqual(10_000);
      expect(r.evidence.length).toBeLessThanOrEqual(20_000);
    }
    expect(p.yaml.length).toBeLessThan(60_000);
  }, 60_000);
});

describe('the contract screen takes every proposal back', () => {
  const long = (c: string, n: number) => c.repeat(n);
  const cases: [string, Record<string, string[]>][] = [
    ['a value set of long texts', { id: ids(200), v: column(200, [long('a', 600), long('b', 600), long('c', 600)]) }],
    ['a pattern with long literal alternatives', { id: ids(200), v: Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? long('N/A ', 400) : i % 5 === 1 ? long('x-', 600) : `AB-${i}`)) }],
  ];
  for (const [name, cols] of cases) {
    it(`${name}: the form of the proposal passes the applyContractForm input schema`, async () => {
      const { p } = await profileOf(cols);
      if (process.env.ADV_DEBUG) console.log(name, p.contract.columns.map((c) => [c.name.length, c.pattern?.length, c.enum?.map((x) => x.length)]));
      expect(() => API.applyContractForm.input.parse({ yaml: p.yaml, form: formOfContract(p.contract) })).not.toThrow();
    }, 60_000);
  }
});
