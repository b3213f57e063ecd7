// CSV in and out for the harness, and the scorer's cell comparison. The parser is the one
// ../shared/bench/score.mjs uses, so that the harness reads a file exactly as the scorer does.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Table } from './types.js';

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

export function readTable(path: string): Table {
  const rows = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  return { header: rows[0], rows: rows.slice(1).filter((r) => r.length > 1 || r[0] !== '') };
}

// Quote anything the parser would otherwise split or a reader might trim (edge spaces), so a
// padded dirty value arrives padded.
function quote(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(t: Table): string {
  return [t.header, ...t.rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

export function writeTable(path: string, t: Table): void {
  writeFileSync(path, toCsv(t));
}

/** score.mjs's same(): trimmed text equal, or both finite numbers and numerically equal. */
export function same(a: string | undefined, b: string | undefined): boolean {
  const x = (a ?? '').trim(), y = (b ?? '').trim();
  if (x === y) return true;
  const n = Number(x), m = Number(y);
  return x !== '' && y !== '' && Number.isFinite(n) && Number.isFinite(m) && n === m;
}
