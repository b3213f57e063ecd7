// Small, escaping-first helpers for the report: every value that came from data goes through
// esc(), so a cell holding "<script>" is shown, never run.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export function fmtInt(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : esc(n ?? '–');
}

export function fmtNumber(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return esc(n ?? '–');
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Confidence and coverage are fractions in [0, 1]. */
export function fmtPct(x: unknown): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%` : '–';
}

export function fmtBytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** A hash shown short, with the whole of it in the tooltip and in a copyable monospace span. */
export function hashCell(hash: unknown, chars = 12): string {
  const h = String(hash ?? '');
  if (h === '') return '<span class="muted">–</span>';
  return `<code class="hash" title="${esc(h)}">${esc(h.length > chars ? `${h.slice(0, chars)}…` : h)}</code>`;
}

export function badge(passed: boolean, yes = 'pass', no = 'fail'): string {
  return `<span class="badge ${passed ? 'ok' : 'bad'}">${passed ? '✓' : '✗'} ${esc(passed ? yes : no)}</span>`;
}

/** A table from rows of already-escaped cells; `numeric` columns are right-aligned. */
export function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  const head = headers.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n')
    : `<tr><td class="empty" colspan="${headers.length}">None</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function section(id: string, title: string, body: string, note = ''): string {
  return `<section id="${esc(id)}" class="card"><header class="card-head"><h2>${esc(title)}</h2>${note ? `<p class="note">${note}</p>` : ''}</header>${body}</section>`;
}
