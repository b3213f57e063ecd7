// Seeded mutations of valid CSV and Parquet files for the hostile-input fuzzer. Every mutation is
// a pure function of the input bytes and the PRNG, so a case number reproduces its file exactly.
import { seeded } from '../../../scripts/make-demo-sample.js';

export type Rnd = () => number;
export { seeded };

export const int = (rnd: Rnd, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
export const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

export const PEOPLE_HEADER = ['id', 'name', 'email', 'amount', 'day', 'status'];
const FIRST = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'ken', 'radia', 'zoë', 'łukasz', 'søren'];
const STATUS = ['active', 'inactive', 'pending'];

/**
 * A valid people table (the fuzz contract's shape). Clean on purpose: every violation in a case
 * comes from its mutations, which keeps remediation (the costly stage) small per case.
 */
export function peopleRows(n: number, rnd: Rnd): string[][] {
  const rows: string[][] = [];
  for (let i = 1; i <= n; i++) {
    const first = pick(rnd, FIRST);
    const day = `2023-${String(int(rnd, 1, 12)).padStart(2, '0')}-${String(int(rnd, 1, 28)).padStart(2, '0')}`;
    const name = rnd() < 0.1 ? `"${first}, jr ${i}"` : `${first} ${i}`;
    rows.push([String(i), name, `p${i}.${int(rnd, 0, 99999)}@example.com`, (rnd() * 900).toFixed(2), day, pick(rnd, STATUS)]);
  }
  return rows;
}

export function toCsv(header: string[], rows: string[][], sep = ','): string {
  return [header, ...rows].map((r) => r.join(sep)).join('\n') + '\n';
}

export interface Mutated {
  bytes: Buffer;
  ops: string[];
  /** true when no mutation touched record structure (quotes, separators, line breaks, header) */
  valueOnly: boolean;
}

const INVALID_UTF8: number[][] = [[0xff], [0xfe], [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xe2, 0x82, 0x28], [0xf0, 0x28, 0x8c, 0xbc], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x80]];
const UNICODE = ['é', 'ß', '漢字', '🙂', '\u200b', '\u202e', 'e\u0301', '\ufeff', 'Ω≈ç√'];
const SEPARATORS = [',', ';', '\t', '|'];
const BREAKS = ['\n', '\r\n', '\r'];

function splice(buf: Buffer, at: number, remove: number, insert: Buffer | number[]): Buffer {
  const ins = Buffer.isBuffer(insert) ? insert : Buffer.from(insert);
  return Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at + remove)]);
}

/** Byte offset of the start of the body (after the header line). */
function bodyStart(buf: Buffer): number {
  const nl = buf.indexOf(0x0a);
  return nl < 0 ? buf.length : nl + 1;
}

/** A replacement value with none of the CSV's structural characters. */
function plainValue(rnd: Rnd, huge: boolean): Buffer {
  const kind = int(rnd, 0, 3);
  if (huge) {
    const n = pick(rnd, [20_000, 200_000, 1_500_000]);
    return Buffer.from('x'.repeat(n - 1) + (kind === 0 ? '🙂' : 'y'));
  }
  if (kind === 0) return Buffer.from(INVALID_UTF8[int(rnd, 0, INVALID_UTF8.length - 1)]);
  if (kind === 1) return Buffer.from(pick(rnd, UNICODE) + 'v' + pick(rnd, UNICODE));
  if (kind === 2) return Buffer.from(Array.from({ length: int(rnd, 1, 40) }, () => String.fromCharCode(int(rnd, 0x20, 0x7e))).join('').replace(/[",;|\t]/g, '_'));
  return Buffer.from('');
}

/** Replaces one field of one record with another value, keeping the record's shape. */
function replaceField(buf: Buffer, rnd: Rnd, huge: boolean): Buffer {
  const text = buf.toString('latin1');
  const start = bodyStart(buf);
  const lines: Array<[number, number]> = [];
  let s = start;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '\n') {
      lines.push([s, i]);
      s = i + 1;
    }
  }
  const plain = lines.filter(([a, b]) => !text.slice(a, b).includes('"') && b > a);
  if (plain.length === 0) return buf;
  const [a, b] = pick(rnd, plain);
  const fields = text.slice(a, b).split(',');
  const k = int(rnd, 0, fields.length - 1);
  const off = a + fields.slice(0, k).reduce((n, f) => n + f.length + 1, 0);
  return splice(buf, off, fields[k].length, plainValue(rnd, huge));
}

type Op = (buf: Buffer, rnd: Rnd) => Buffer;

/** Mutations that keep every record's shape: the record count must not change. */
export const VALUE_OPS: Record<string, Op> = {
  'field:invalid-utf8-or-text': (b, r) => replaceField(b, r, false),
  'field:huge': (b, r) => replaceField(b, r, true),
};

/** Mutations of structure: quotes, separators, line breaks, truncation, columns, bytes. */
export const STRUCTURE_OPS: Record<string, Op> = {
  'byte-flip': (b, r) => {
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    for (let i = int(r, 1, 4); i > 0; i--) out[int(r, 0, out.length - 1)] ^= 1 << int(r, 0, 7);
    return out;
  },
  'byte-set': (b, r) => (b.length === 0 ? b : splice(b, int(r, 0, b.length - 1), 1, [int(r, 1, 255)])),
  truncate: (b, r) => b.subarray(0, int(r, Math.min(b.length, bodyStart(b)), b.length)),
  'truncate-anywhere': (b, r) => b.subarray(0, int(r, 1, Math.max(1, b.length))),
  'insert-quote': (b, r) => splice(b, int(r, bodyStart(b), b.length), 0, Buffer.from(pick(r, ['"', '""', '"x', 'x"', '"""']))),
  'insert-separator': (b, r) => splice(b, int(r, bodyStart(b), b.length), 0, Buffer.from(pick(r, SEPARATORS).repeat(int(r, 1, 3)))),
  'insert-line-break': (b, r) => splice(b, int(r, bodyStart(b), b.length), 0, Buffer.from(pick(r, BREAKS))),
  'insert-blank-lines': (b, r) => splice(b, bodyStart(b), 0, Buffer.from(pick(r, ['\n', '\n\n', ' \n', '\r\n\r\n']))),
  'invalid-utf8-anywhere': (b, r) => splice(b, int(r, 0, b.length), 0, INVALID_UTF8[int(r, 0, INVALID_UTF8.length - 1)]),
  'nul-byte': (b, r) => splice(b, int(r, 0, b.length), 0, [0]),
  'bom': (b) => splice(b, 0, 0, [0xef, 0xbb, 0xbf]),
  'quoted-huge-field': (b, r) => {
    const at = bodyStart(b);
    const n = pick(r, [50_000, 500_000]);
    const cell = `"${'ab,c\n"" '.repeat(n / 8)}"`;
    return splice(b, at, 0, Buffer.from(`999999,${cell},z@example.com,1,2023-01-01,active\n`));
  },
  'many-columns-rows': (b, r) => {
    const text = b.toString('latin1');
    const lines = text.split('\n');
    const extra = ','.repeat(int(r, 1, 2000));
    for (let i = 0; i < int(r, 1, 5); i++) {
      const k = int(r, 1, Math.max(1, lines.length - 2));
      if (lines[k]) lines[k] += extra;
    }
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  'many-columns-everywhere': (b, r) => {
    const n = int(r, 50, 3000);
    const lines = b.toString('latin1').split('\n');
    const head = lines[0] + Array.from({ length: n }, (_, i) => `,extra_${i}`).join('');
    const body = lines.slice(1).map((l) => (l ? l + ',v'.repeat(n) : l));
    return Buffer.from([head, ...body].join('\n'), 'latin1');
  },
  'drop-fields': (b, r) => {
    const lines = b.toString('latin1').split('\n');
    for (let i = 0; i < int(r, 1, 5); i++) {
      const k = int(r, 1, Math.max(1, lines.length - 2));
      if (lines[k]) lines[k] = lines[k].split(',').slice(0, int(r, 0, 4)).join(',');
    }
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  'duplicate-records': (b, r) => {
    const lines = b.toString('latin1').split('\n');
    const k = int(r, 1, Math.max(1, lines.length - 2));
    const copies = Array(int(r, 1, 4)).fill(lines[k] ?? '');
    lines.splice(k, 0, ...copies);
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  'header-rename': (b, r) => {
    const nl = b.indexOf(0x0a);
    const head = b.subarray(0, nl < 0 ? b.length : nl).toString('latin1').split(',');
    head[int(r, 0, head.length - 1)] = pick(r, ['', 'id', 'Name', 'e mail', '"quoted,name"', 'x'.repeat(300)]);
    return splice(b, 0, nl < 0 ? b.length : nl, Buffer.from(head.join(','), 'latin1'));
  },
  'header-swap': (b, r) => {
    const nl = b.indexOf(0x0a);
    const head = b.subarray(0, nl < 0 ? b.length : nl).toString('latin1').split(',');
    const i = int(r, 0, head.length - 1);
    const j = int(r, 0, head.length - 1);
    [head[i], head[j]] = [head[j], head[i]];
    return splice(b, 0, nl < 0 ? b.length : nl, Buffer.from(head.join(','), 'latin1'));
  },
  'separator-everywhere': (b, r) => Buffer.from(b.toString('latin1').replace(/,/g, pick(r, [';', '\t', '|'])), 'latin1'),
  'crlf-everywhere': (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
  'empty-body': (b) => b.subarray(0, bodyStart(b)),
  'no-final-newline': (b) => (b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b),
  'unclosed-quote-at-end': (b) => Buffer.concat([b, Buffer.from('1000,"never closed,x@example.com,1,2023-01-01,active\n')]),
};

/** One fuzz case: a valid file, then 1..4 mutations (value-only ones keep the record count). */
export function mutateCsv(valid: Buffer, rnd: Rnd): Mutated {
  const valueOnly = rnd() < 0.3;
  const ops = valueOnly ? VALUE_OPS : STRUCTURE_OPS;
  const names = Object.keys(ops);
  let bytes = valid;
  const applied: string[] = [];
  for (let i = int(rnd, 1, valueOnly ? 3 : 4); i > 0; i--) {
    // huge fields are costly: at most one per file
    let name = pick(rnd, names);
    if ((name === 'field:huge' || name === 'quoted-huge-field' || name === 'many-columns-everywhere') && applied.includes(name)) name = names[0];
    bytes = ops[name](bytes, rnd);
    applied.push(name);
  }
  return { bytes, ops: applied, valueOnly };
}

/** Structural damage to a Parquet file. */
export const PARQUET_OPS: Record<string, Op> = {
  'byte-flip': (b, r) => {
    const out = Buffer.from(b);
    for (let i = int(r, 1, 8); i > 0; i--) out[int(r, 0, out.length - 1)] ^= 1 << int(r, 0, 7);
    return out;
  },
  'flip-in-footer': (b, r) => {
    const out = Buffer.from(b);
    const footer = out.readUInt32LE(out.length - 8);
    const from = Math.max(4, out.length - 8 - footer);
    for (let i = int(r, 1, 3); i > 0; i--) out[int(r, from, out.length - 9)] ^= 1 << int(r, 0, 7);
    return out;
  },
  'footer-length': (b, r) => {
    const out = Buffer.from(b);
    out.writeUInt32LE(pick(r, [0, 1, 0xffffffff, out.length, out.readUInt32LE(out.length - 8) + int(r, -40, 40)]) >>> 0, out.length - 8);
    return out;
  },
  truncate: (b, r) => b.subarray(0, int(r, 4, b.length - 1)),
  'truncate-tail': (b, r) => b.subarray(0, b.length - int(r, 1, 12)),
  'zero-range': (b, r) => {
    const out = Buffer.from(b);
    const at = int(r, 4, out.length - 9);
    out.fill(0, at, Math.min(out.length - 8, at + int(r, 1, 64)));
    return out;
  },
  'append-garbage': (b, r) => Buffer.concat([b, Buffer.from(Array.from({ length: int(r, 1, 100) }, () => int(r, 0, 255)))]),
  'bad-magic': (b, r) => {
    const out = Buffer.from(b);
    out[pick(r, [0, 1, 2, 3, out.length - 1, out.length - 4])] ^= 0x20;
    return out;
  },
};

export function mutateParquet(valid: Buffer, rnd: Rnd): Mutated {
  const names = Object.keys(PARQUET_OPS);
  let bytes = valid;
  const applied: string[] = [];
  for (let i = int(rnd, 1, 2); i > 0; i--) {
    const name = pick(rnd, names);
    bytes = PARQUET_OPS[name](bytes, rnd);
    applied.push(name);
  }
  return { bytes, ops: applied, valueOnly: false };
}
