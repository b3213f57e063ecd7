// Failures by column and reason as an inline SVG: one stacked bar per column, a colour per
// reason. Inline so the report opens on a machine with no network and no script.
import type { FailureCount } from '../bundle.js';
import { esc, fmtInt } from './html.js';

// Distinguishable on screen and in print; reasons beyond the palette reuse it in order.
const PALETTE = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#ea580c', '#475569'];
const MAX_COLUMNS = 15;

export function failureChart(failures: FailureCount[]): string {
  const positive = failures.filter((f) => f.count > 0);
  if (positive.length === 0) return '<p class="muted">No cell failed validation.</p>';

  const reasons = [...new Set(positive.map((f) => f.reason))].sort();
  const colour = new Map(reasons.map((r, i) => [r, PALETTE[i % PALETTE.length]]));
  const byColumn = new Map<string, Map<string, number>>();
  for (const f of positive) {
    const m = byColumn.get(f.column) ?? new Map<string, number>();
    m.set(f.reason, (m.get(f.reason) ?? 0) + f.count);
    byColumn.set(f.column, m);
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const columns = [...byColumn].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  const shown = columns.slice(0, MAX_COLUMNS);
  const max = Math.max(...shown.map(([, m]) => total(m)));

  const labelW = 170;
  const barMax = 480;
  const rowH = 26;
  const top = 8;
  const legendTop = top + shown.length * rowH + 18;
  const legendRows = Math.ceil(reasons.length / 3);
  const height = legendTop + legendRows * 20 + 6;
  const width = labelW + barMax + 90;

  const bars = shown.map(([column, m], row) => {
    const y = top + row * rowH;
    let x = labelW;
    const segs = reasons
      .filter((r) => m.has(r))
      .map((r) => {
        const n = m.get(r) ?? 0;
        const w = Math.max(1, (n / max) * barMax);
        const rect = `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 10}" rx="2" fill="${colour.get(r)}"><title>${esc(column)} · ${esc(r)}: ${fmtInt(n)}</title></rect>`;
        x += w;
        return rect;
      })
      .join('');
    const label = column.length > 24 ? `${column.slice(0, 23)}…` : column;
    return `<g><text x="${labelW - 10}" y="${y + rowH / 2 + 4}" text-anchor="end" class="axis">${esc(label)}</text>${segs}<text x="${(x + 6).toFixed(1)}" y="${y + rowH / 2 + 4}" class="value">${fmtInt(total(m))}</text></g>`;
  });
  const legend = reasons.map((r, i) => {
    const x = labelW + (i % 3) * 170;
    const y = legendTop + Math.floor(i / 3) * 20;
    return `<g><rect x="${x}" y="${y}" width="12" height="12" rx="2" fill="${colour.get(r)}"/><text x="${x + 18}" y="${y + 10}" class="legend">${esc(r)}</text></g>`;
  });
  const more = columns.length > shown.length ? `<p class="muted">${columns.length - shown.length} more column(s) with fewer failures are listed in the table below.</p>` : '';
  return `<figure class="chart"><svg role="img" aria-label="Failures by column and reason" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
<line x1="${labelW}" y1="${top - 2}" x2="${labelW}" y2="${top + shown.length * rowH}" class="axis-line"/>
${bars.join('\n')}
${legend.join('\n')}
</svg>${more}</figure>`;
}
