// A fast generator of large, deterministic, realistically dirty order tables for the benchmarks.
// DuckDB writes the CSV itself (`COPY (SELECT ... FROM range(N)) TO 'x.csv'`), so ten million
// rows take seconds, not minutes. Every value is a function of hash(row, k): the same N gives the
// same bytes on every machine. About 5% of rows carry one anomaly from the ERROR_PATTERNS table
// (dates in another format, '$1,234.50' amounts, '12 units' quantities, lower-case or spelled-out
// states, phones with punctuation, 'x at y dot com' e-mails, status typos and upper case, N/A
// tokens, missing required values, duplicate keys, exact re-deliveries, out-of-range numbers,
// zip → state disagreements), and the contract that judges it is written beside it.
//
//   node --import tsx bench/generate.ts --rows 1000000 [--out bench/.data/orders-1m] [--error-scale 1] [--no-fd]
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openLockedDuckDB, queryRows, sqlString } from '../main/store/duckdb.js';

export const DATA_DIR = resolve(import.meta.dirname, '.data');

/** One anomaly per affected row; `bp` is its share of rows in basis points (1/10,000) at scale 1. */
export const ERROR_PATTERNS: ReadonlyArray<{ name: string; bp: number; quarantines: boolean; note: string }> = [
  { name: 'date_us', bp: 60, quarantines: true, note: "order_date as '03/15/2021' (contract: %Y-%m-%d)" },
  { name: 'amount_currency', bp: 60, quarantines: true, note: "amount as '$1,234.50'" },
  { name: 'amount_negative', bp: 10, quarantines: true, note: 'amount below minimum 0 (unfixable)' },
  { name: 'qty_units', bp: 30, quarantines: true, note: "quantity as '12 units'" },
  { name: 'qty_range', bp: 10, quarantines: true, note: 'quantity 0 or 5000, outside 1..1000 (unfixable)' },
  { name: 'state_lower', bp: 40, quarantines: true, note: "state as 'ca'" },
  { name: 'state_name', bp: 30, quarantines: true, note: "state as 'California'" },
  { name: 'fd_state', bp: 20, quarantines: true, note: 'a valid state code that disagrees with its zip (FD zip -> state)' },
  { name: 'phone_punct', bp: 50, quarantines: true, note: "phone as '(555) 123-4567' or '555.123.4567'" },
  { name: 'email_obfuscated', bp: 40, quarantines: true, note: "email as 'x.y12 at example dot com'" },
  { name: 'status_typo', bp: 30, quarantines: true, note: "status misspelt ('shiped')" },
  { name: 'status_upper', bp: 30, quarantines: true, note: "status upper case ('SHIPPED')" },
  { name: 'sku_lower', bp: 30, quarantines: true, note: "sku lower case ('abc-1234')" },
  { name: 'na_token', bp: 60, quarantines: false, note: "optional discount_code as 'N/A' / 'n/a' / '-' (normalised to NULL, audited)" },
  { name: 'name_missing', bp: 15, quarantines: true, note: 'required customer_name empty (unfixable)' },
  { name: 'dup_key', bp: 10, quarantines: true, note: "order_id equal to the previous row's (unfixable)" },
  { name: 'dup_row', bp: 10, quarantines: false, note: 'exact re-delivery of the previous row (de-duplicated)' },
];

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara', 'Richard', 'Susan',
  'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Paul', 'Ashley',
  'Steven', 'Emily', 'Andrew', 'Donna', 'Kevin', 'Michelle', 'Brian', 'Carol', 'George', 'Amanda', 'Ana', 'Li', 'Wei', 'Omar', 'Ivan', 'Zoe', 'Eva', 'Raj'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez',
  'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez',
  'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Kim', 'Wu', 'Ng', 'Cox'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.co.uk', 'shop.example.io', 'post.example.de'];
export const STATES = ['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA',
  'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA',
  'WV', 'WI', 'WY'];
const STATE_NAMES = ['Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'District of Columbia', 'Florida',
  'Georgia', 'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine', 'Maryland', 'Massachusetts', 'Michigan',
  'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire', 'New Jersey', 'New Mexico', 'New York', 'North Carolina',
  'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania', 'Rhode Island', 'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont',
  'Virginia', 'Washington', 'West Virginia', 'Wisconsin', 'Wyoming'];
const STATUS = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'returned'];
const STATUS_TYPO = ['pendng', 'piad', 'shiped', 'delivred', 'cancelld', 'retuned'];
const CODES = ['SAVE10', 'WELCOME', 'SPRING5', 'VIP20', 'FREESHIP'];
const NA_TOKENS = ['N/A', 'n/a', '-'];
/** Distinct zip codes (FD groups); each zip belongs to one state. */
const ZIPS = 5000;

export interface GenerateOptions {
  rows: number;
  /** folder for `<name>.csv` and `<name>.odcs.yaml`; default bench/.data */
  dir?: string;
  name?: string;
  /** multiplies every pattern's share of rows (1 → about 5.4% of rows carry an anomaly) */
  errorScale?: number;
  /** declare the functional dependency zip → state in the contract (default true) */
  fd?: boolean;
  memoryLimit?: string;
}

export interface Generated {
  csv: string;
  contract: string;
  rows: number;
  bytes: number;
  ms: number;
  /** rows per anomaly, counted from the same expressions that wrote the file */
  anomalies: Record<string, number>;
  /** rows expected in quarantine at the route stage (anomalies that quarantine) */
  expectedSuspects: number;
}

const list = (xs: readonly string[]) => `[${xs.map(sqlString).join(', ')}]`;
const pick = (xs: readonly string[], h: string) => `list_element(${list(xs)}, CAST(${h} % ${xs.length} AS INTEGER) + 1)`;

/** The per-row anomaly as SQL over `e` (0..9999), from the cumulative pattern shares. */
function errorCase(scale: number): string {
  let at = 0;
  const arms = ERROR_PATTERNS.map((p) => {
    at += Math.round(p.bp * scale);
    return `WHEN e < ${Math.min(at, 10000)} THEN '${p.name}'`;
  });
  if (at > 10000) throw new Error(`--error-scale ${scale} puts ${at / 100}% of rows in anomalies; keep it at most 100%`);
  return `CASE ${arms.join(' ')} END`;
}

/** The SELECT that yields the table: one row per i in range(N), all columns VARCHAR. */
export function tableSql(rows: number, scale = 1): string {
  const dupRange = (() => {
    let at = 0;
    for (const p of ERROR_PATTERNS) {
      const w = Math.round(p.bp * scale);
      if (p.name === 'dup_row') return [at, at + w];
      at += w;
    }
    return [0, 0];
  })();
  const h = (k: number) => `hash(s, ${k})`;
  return `
WITH src AS (
  SELECT i, CASE WHEN i > 0 AND hash(i, 0) % 10000 >= ${dupRange[0]} AND hash(i, 0) % 10000 < ${dupRange[1]} THEN i - 1 ELSE i END AS s
  FROM range(${rows}) t(i)
), g AS (
  SELECT i, s, err, ${pick(FIRST, h(1))} AS first, ${pick(LAST, h(2))} AS last, CAST(${h(7)} % ${ZIPS} AS INTEGER) AS z,
         ${h(3)} AS h3, ${h(4)} AS h4, ${h(5)} AS h5, ${h(6)} AS h6, ${h(8)} AS h8, ${h(9)} AS h9, ${h(10)} AS h10, ${h(11)} AS h11,
         ${h(12)} AS h12, ${h(13)} AS h13, ${h(14)} AS h14
  FROM (SELECT i, s, ${errorCase(scale)} AS err FROM (SELECT i, s, hash(s, 0) % 10000 AS e FROM src))
), v AS (
  SELECT *,
    CAST((z * 7) % 51 AS INTEGER) AS st,
    DATE '2015-01-01' + CAST(h9 % 3650 AS INTEGER) AS d,
    CAST(h10 % 5000000 AS DOUBLE) / 100 AS amt,
    CAST(1 + h11 % 40 AS INTEGER) AS qty,
    CAST(h12 % ${STATUS.length} AS INTEGER) AS sx,
    lower(first) || '.' || lower(last) || CAST(h3 % 1000 AS VARCHAR) AS local,
    ${pick(DOMAINS, 'h4')} AS domain,
    CAST(201 + h5 % 798 AS VARCHAR) AS pa, CAST(200 + (h5 >> 16) % 800 AS VARCHAR) AS pb, lpad(CAST((h5 >> 32) % 10000 AS VARCHAR), 4, '0') AS pc,
    chr(CAST(65 + h14 % 26 AS INTEGER)) || chr(CAST(65 + (h14 >> 8) % 26 AS INTEGER)) || chr(CAST(65 + (h14 >> 16) % 26 AS INTEGER)) || '-'
      || lpad(CAST((h14 >> 24) % 10000 AS VARCHAR), 4, '0') AS sku0
  FROM g
)
SELECT
  CAST(CASE WHEN err = 'dup_key' AND s > 0 THEN s ELSE s + 1 END AS VARCHAR) AS order_id,
  CASE WHEN err = 'name_missing' THEN NULL ELSE first || ' ' || last END AS customer_name,
  CASE WHEN err = 'email_obfuscated' THEN local || ' at ' || replace(domain, '.', ' dot ') ELSE local || '@' || domain END AS email,
  CASE WHEN err = 'phone_punct' THEN (CASE WHEN h6 % 2 = 0 THEN '(' || pa || ') ' || pb || '-' || pc ELSE pa || '.' || pb || '.' || pc END)
       ELSE pa || '-' || pb || '-' || pc END AS phone,
  CASE err WHEN 'state_lower' THEN lower(list_element(${list(STATES)}, st + 1))
           WHEN 'state_name' THEN list_element(${list(STATE_NAMES)}, st + 1)
           WHEN 'fd_state' THEN list_element(${list(STATES)}, CAST((st + 1 + h8 % 50) % 51 AS INTEGER) + 1)
           ELSE list_element(${list(STATES)}, st + 1) END AS state,
  CAST(10000 + z * 13 AS VARCHAR) AS zip,
  CASE WHEN err = 'date_us' THEN strftime(d, '%m/%d/%Y') ELSE strftime(d, '%Y-%m-%d') END AS order_date,
  CASE err WHEN 'amount_currency' THEN '$' || format('{:,.2f}', amt) WHEN 'amount_negative' THEN '-' || printf('%.2f', amt + 1)
           ELSE printf('%.2f', amt) END AS amount,
  CASE err WHEN 'qty_units' THEN CAST(qty AS VARCHAR) || ' units' WHEN 'qty_range' THEN (CASE WHEN h8 % 2 = 0 THEN '0' ELSE '5000' END)
           ELSE CAST(qty AS VARCHAR) END AS quantity,
  CASE err WHEN 'status_typo' THEN list_element(${list(STATUS_TYPO)}, sx + 1) WHEN 'status_upper' THEN upper(list_element(${list(STATUS)}, sx + 1))
           ELSE list_element(${list(STATUS)}, sx + 1) END AS status,
  CASE WHEN err = 'na_token' THEN ${pick(NA_TOKENS, 'h13')} WHEN h13 % 10 < 3 THEN ${pick(CODES, '(h13 >> 8)')} ELSE NULL END AS discount_code,
  CASE WHEN err = 'sku_lower' THEN lower(sku0) ELSE sku0 END AS sku
FROM v`;
}

export function contractYaml(opts: { fd: boolean; name: string }): string {
  return `# Generated by bench/generate.ts: a synthetic order table (deterministic, hash-based) for the
# performance and suspect-rows benchmarks. Regenerate rather than edit.
apiVersion: v3.1.0
kind: DataContract
id: bench-${opts.name}
name: orders
version: 1.0.0
status: active
schema:
  - name: orders
    logicalType: object
    properties:
      - name: order_id
        logicalType: integer
        primaryKey: true
        required: true
      - name: customer_name
        logicalType: string
        required: true
        customProperties:
          - { property: pii, value: name }
      - name: email
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}' }
        customProperties:
          - { property: pii, value: email }
      - name: phone
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '\\d{3}-\\d{3}-\\d{4}' }
        customProperties:
          - { property: pii, value: phone }
      - name: state
        logicalType: string
        required: true
        description: two-letter US state code
        enum: [${STATES.join(', ')}]
      - name: zip
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '\\d{5}' }
      - name: order_date
        logicalType: date
        required: true
        logicalTypeOptions: { format: '%Y-%m-%d' }
      - name: amount
        logicalType: number
        required: true
        description: order total in US dollars, a bare number
        logicalTypeOptions: { minimum: 0, maximum: 100000 }
      - name: quantity
        logicalType: integer
        required: true
        logicalTypeOptions: { minimum: 1, maximum: 1000 }
      - name: status
        logicalType: string
        required: true
        enum: [${STATUS.join(', ')}]
      - name: discount_code
        logicalType: string
        quality:
          - metric: missingValues
            arguments: { missingValues: ['N/A', 'n/a', '-', ''] }
            mustBeLessThan: 90
            unit: percent
      - name: sku
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '[A-Z]{3}-[0-9]{4}' }
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
${opts.fd ? `    customProperties:
      - property: functionalDependencies
        value:
          - determinant: [zip]
            dependent: [state]
` : ''}`;
}

export async function generate(opts: GenerateOptions): Promise<Generated> {
  const dir = resolve(opts.dir ?? DATA_DIR);
  const name = opts.name ?? `orders-${opts.rows}`;
  const scale = opts.errorScale ?? 1;
  mkdirSync(resolve(dir, 'tmp'), { recursive: true });
  const csv = resolve(dir, `${name}.csv`);
  const contract = resolve(dir, `${name}.odcs.yaml`);
  writeFileSync(contract, contractYaml({ fd: opts.fd ?? true, name }));
  const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], tempDirectory: resolve(dir, 'tmp'), memoryLimit: opts.memoryLimit ?? '2GB' });
  try {
    const t0 = Date.now();
    await db.conn.run(`COPY (${tableSql(opts.rows, scale)}) TO ${sqlString(csv)} (FORMAT csv, HEADER true, DELIMITER ',')`);
    const ms = Date.now() - t0;
    // The anomaly counts, from the same expressions (no need to read the file back).
    const counts = await queryRows<{ err: string | null; n: number }>(db.conn, `SELECT err, count(*) AS n FROM (
      SELECT CASE WHEN s = i - 1 THEN 'dup_row' ELSE ${errorCase(scale)} END AS err
      FROM (SELECT i, s, hash(s, 0) % 10000 AS e FROM (
        SELECT i, CASE WHEN i > 0 AND hash(i, 0) % 10000 >= ${dupStart(scale)} AND hash(i, 0) % 10000 < ${dupStart(scale) + Math.round(bpOf('dup_row') * scale)} THEN i - 1 ELSE i END AS s
        FROM range(${opts.rows}) t(i)))) GROUP BY err`);
    const anomalies: Record<string, number> = {};
    for (const p of ERROR_PATTERNS) anomalies[p.name] = 0;
    for (const c of counts) if (c.err) anomalies[c.err] = Number(c.n);
    const expectedSuspects = ERROR_PATTERNS.filter((p) => p.quarantines).reduce((a, p) => a + anomalies[p.name], 0);
    return { csv, contract, rows: opts.rows, bytes: statSync(csv).size, ms, anomalies, expectedSuspects };
  } finally {
    db.close();
  }
}

function bpOf(name: string): number {
  return ERROR_PATTERNS.find((p) => p.name === name)!.bp;
}

function dupStart(scale: number): number {
  let at = 0;
  for (const p of ERROR_PATTERNS) {
    if (p.name === 'dup_row') return at;
    at += Math.round(p.bp * scale);
  }
  return 0;
}

/** `5m`, `250k`, `1000000` → a row count. */
export function parseCount(s: string): number {
  const m = /^([0-9.]+)\s*([kmg]?)$/i.exec(s.trim());
  if (!m) throw new Error(`not a row count: ${JSON.stringify(s)} (use e.g. 1000000, 250k, 5m)`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1m' }, dir: { type: 'string' }, name: { type: 'string' }, 'error-scale': { type: 'string' }, 'no-fd': { type: 'boolean' } } });
  const g = await generate({ rows: parseCount(values.rows!), dir: values.dir, name: values.name, errorScale: values['error-scale'] ? Number(values['error-scale']) : 1, fd: !values['no-fd'] });
  console.log(`wrote ${g.csv} (${g.rows} rows, ${(g.bytes / 1e6).toFixed(1)} MB, ${(g.bytes / g.rows).toFixed(1)} B/row) in ${g.ms} ms; contract ${g.contract}`);
  console.log(`anomalies: ${Object.entries(g.anomalies).map(([k, v]) => `${k} ${v}`).join(', ')}; expected suspects ${g.expectedSuspects} (${(100 * g.expectedSuspects / g.rows).toFixed(2)}%)`);
}
