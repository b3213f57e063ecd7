// Failures by column, one bar per column split by reason code, drawn as inline SVG.
// Clicking a segment filters the grid to that column and reason.
import type { QuarantineFacets } from '../../../main/api/contract.js';
import { count } from '../format.js';

export const REASON_COLOURS: Record<string, string> = {
  FD_VIOLATION: '#6366f1', PATTERN_MISMATCH: '#f59e0b', NOT_IN_SET: '#ef4444', TYPE_MISMATCH: '#0ea5e9',
  REQUIRED_MISSING: '#8b5cf6', OUT_OF_RANGE: '#14b8a6', DUPLICATE_KEY: '#ec4899', LENGTH_VIOLATION: '#84cc16',
  MISSING_VALUE: '#a855f7', INVALID_VALUE: '#f97316', NULL_VALUE: '#64748b', MALFORMED_RECORD: '#334155',
  FD_DETERMINANT_SUSPECT: '#4338ca', LIKELY_VARIANT: '#0d9488',
};
const FALLBACK = ['#0891b2', '#d946ef', '#65a30d', '#b45309'];

export function colourOf(reason: string, i = 0): string {
  return REASON_COLOURS[reason] ?? FALLBACK[i % FALLBACK.length];
}

interface Props {
  facets: QuarantineFacets;
  active?: { column?: string; reason?: string };
  onPick(column: string, reason: string): void;
  maxBars?: number;
}

export function FailureChart({ facets, active, onPick, maxBars = 12 }: Props) {
  // The chart draws every pair among the rows searched: the facets' picks highlight, never narrow it.
  const totals = (key: 'column' | 'reason') => {
    const m = new Map<string, number>();
    for (const p of facets.byColumnReason) m.set(p[key], (m.get(p[key]) ?? 0) + p.count);
    return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const columns = totals('column').slice(0, maxBars).map(([column, count]) => ({ column, count }));
  const reasons = totals('reason').map(([reason]) => reason);
  const max = Math.max(1, ...columns.map((c) => c.count));
  const label = 150;
  const width = 640;
  const barArea = width - label - 60;
  const row = 22;
  const height = columns.length * row + 8;
  return (
    <div className="chart" data-testid="failure-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label="Failures by column and reason">
        {columns.map((c, i) => {
          let x = label;
          const y = i * row + 4;
          const parts = facets.byColumnReason.filter((p) => p.column === c.column);
          return (
            <g key={c.column}>
              <text x={label - 10} y={y + 13} textAnchor="end" className="chart-label">{c.column}</text>
              {parts.map((p) => {
                const w = Math.max(2, (p.count / max) * barArea);
                const rect = (
                  <rect key={p.reason} x={x} y={y + 2} width={w} height={row - 8} rx={3}
                    fill={colourOf(p.reason, reasons.indexOf(p.reason))}
                    opacity={active?.column && (active.column !== p.column || (active.reason && active.reason !== p.reason)) ? 0.3 : 1}
                    onClick={() => onPick(p.column, p.reason)} className="chart-seg">
                    <title>{`${p.column} · ${p.reason}: ${count(p.count)} rows`}</title>
                  </rect>
                );
                x += w + 1;
                return rect;
              })}
              <text x={x + 6} y={y + 13} className="chart-value">{count(c.count)}</text>
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {reasons.map((r, i) => (
          <span key={r} className="legend-item"><i style={{ background: colourOf(r, i) }} />{r}</span>
        ))}
      </div>
    </div>
  );
}
