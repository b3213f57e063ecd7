// Writes resources/sample/customers.csv: a deterministic, made-up customer table with the kinds
// of errors analysts meet (formats, units, typos, obfuscated e-mails, state names), used by
// `airlock demo` and the tests. Run: node --import tsx scripts/make-demo-sample.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'margaret', 'ken', 'dennis', 'frances', 'john', 'lin', 'mary', 'radia', 'tim'];
const LAST = ['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'knuth', 'hamilton', 'thompson', 'ritchie', 'allen', 'mccarthy', 'chen', 'shaw', 'perlman', 'berners'];
const STATES: Array<[string, string]> = [['CA', 'California'], ['NY', 'New York'], ['TX', 'Texas'], ['WA', 'Washington'], ['MA', 'Massachusetts'], ['IL', 'Illinois'], ['OR', 'Oregon'], ['CO', 'Colorado']];
const STATUS = ['active', 'inactive', 'pending'];

export function customerRows(n: number, seed = 7): string[][] {
  const rnd = seeded(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const rows: string[][] = [];
  for (let i = 1; i <= n; i++) {
    const first = pick(FIRST), last = pick(LAST);
    const [code, name] = pick(STATES);
    const y = 2020 + Math.floor(rnd() * 5), m = 1 + Math.floor(rnd() * 12), d = 1 + Math.floor(rnd() * 28);
    const pad = (x: number) => String(x).padStart(2, '0');
    const a = 200 + Math.floor(rnd() * 700), b = 200 + Math.floor(rnd() * 700), c = 1000 + Math.floor(rnd() * 9000);
    const amount = (rnd() * 2000).toFixed(2);
    let email = `${first}.${last}${i}@example.com`;
    let phone = `${a}-${b}-${c}`;
    let state = code;
    let date = `${y}-${pad(m)}-${pad(d)}`;
    let amt = amount;
    let status = pick(STATUS);
    const r = rnd();
    if (r < 0.05) email = `${first}.${last}${i} at example dot com`;
    else if (r < 0.08) email = `mailto:${email}`;
    const r2 = rnd();
    if (r2 < 0.06) phone = `(${a}) ${b}-${c}`;
    else if (r2 < 0.09) phone = `${a}.${b}.${c}`;
    const r3 = rnd();
    if (r3 < 0.05) state = name;
    else if (r3 < 0.08) state = code.toLowerCase();
    const r4 = rnd();
    if (r4 < 0.06) date = `${pad(m)}/${pad(d)}/${y}`;
    const r5 = rnd();
    if (r5 < 0.05) amt = `$${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    const r6 = rnd();
    if (r6 < 0.04) status = status.replace(/[aeiou]/, 'x');
    else if (r6 < 0.06) status = status.toUpperCase();
    rows.push([String(i), `${first} ${last}`, email, phone, state, date, amt, status]);
  }
  return rows;
}

export const CUSTOMER_HEADER = ['customer_id', 'full_name', 'email', 'phone', 'state', 'signup_date', 'lifetime_value', 'status'];

export function customerCsv(n: number, seed = 7): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [CUSTOMER_HEADER, ...customerRows(n, seed)].map((r) => r.map(esc).join(',')).join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(import.meta.dirname, '..', 'resources', 'sample', 'customers.csv');
  writeFileSync(out, customerCsv(500));
  console.log(`wrote ${out}`);
}
