// OpenRefine-style facets: search text, then the reason codes and the columns with how many
// failing cells each holds, each counted with the other facets' picks applied (the engine counts
// them so); a click narrows the grid, a second click lifts the narrowing. Picking a column also
// opens its value facets (the children: ColumnFacets).
import type { ReactNode } from 'react';
import type { QuarantineFacets, QuarantineFilter } from '../../../main/api/contract.js';
import { count } from '../format.js';
import { colourOf } from '../components/FailureChart.js';
import { Icon } from '../components/Icon.js';

interface Props {
  facets: QuarantineFacets | null;
  filter: QuarantineFilter;
  search: string;
  onSearch(text: string): void;
  onFilter(filter: QuarantineFilter): void;
  /** the picked number bucket as its facet shows it, `0.046 – 0.056` (null until the facet is drawn) */
  numberLabel?: string | null;
  children?: ReactNode;
}

export function FacetPanel({ facets, filter, search, onSearch, onFilter, numberLabel, children }: Props) {
  const maxReason = Math.max(1, ...(facets?.byReason.map((r) => r.count) ?? [1]));
  const maxColumn = Math.max(1, ...(facets?.byColumn.map((r) => r.count) ?? [1]));
  const range = filter.numberRange;
  const fieldPicks: [string, QuarantineFilter][] = [
    ...(filter.value !== undefined ? [[`value: ${filter.value ?? '(empty)'}`, { value: undefined }] as [string, QuarantineFilter]] : []),
    ...(filter.shape !== undefined ? [[`shape: ${filter.shape || '(empty)'}`, { shape: undefined }] as [string, QuarantineFilter]] : []),
    ...(range !== undefined ? [[range === null ? 'not a number' : numberLabel ? `number: ${numberLabel}` : `number bucket ${range.bucket + 1}`, { numberRange: undefined }] as [string, QuarantineFilter]] : []),
    ...(filter.year !== undefined ? [[filter.year === null ? 'not a date' : `year: ${filter.year}`, { year: undefined }] as [string, QuarantineFilter]] : []),
  ];
  const active = filter.column || filter.reason || fieldPicks.length > 0;
  return (
    <aside className="facets card" data-testid="facets">
      <div className="search">
        <Icon name="search" size={16} />
        <input placeholder="Search rows…" value={search} onChange={(e) => onSearch(e.target.value)} data-testid="search" />
      </div>
      {active && (
        <div className="chips">
          {filter.column && <button className="chip" onClick={() => onFilter({ ...filter, column: undefined })}>column: {filter.column} ×</button>}
          {filter.reason && <button className="chip" onClick={() => onFilter({ ...filter, reason: undefined })}>reason: {filter.reason} ×</button>}
          {fieldPicks.map(([label, lift]) => <button key={label} className="chip" onClick={() => onFilter({ ...filter, ...lift })}>{filter.field}, {label} ×</button>)}
        </div>
      )}
      <h4>Reason</h4>
      <ul className="facet-list" data-facet="reason">
        {facets?.byReason.map((r) => (
          <li key={r.reason}>
            <button className={filter.reason === r.reason ? 'on' : ''} data-value={r.reason} onClick={() => onFilter({ ...filter, reason: filter.reason === r.reason ? undefined : r.reason })}>
              <span className="facet-name"><i style={{ background: colourOf(r.reason) }} />{r.reason}</span>
              <span className="facet-count">{count(r.count)}</span>
              <span className="facet-bar" style={{ width: `${(r.count / maxReason) * 100}%` }} />
            </button>
          </li>
        ))}
      </ul>
      <h4>Column</h4>
      <ul className="facet-list" data-facet="column">
        {facets?.byColumn.map((c) => (
          <li key={c.column}>
            <button className={filter.column === c.column ? 'on' : ''} data-value={c.column} onClick={() => onFilter(filter.column === c.column ? { ...filter, column: undefined } : { ...filter, column: c.column, field: c.column })}>
              <span className="facet-name mono">{c.column}</span>
              <span className="facet-count">{count(c.count)}</span>
              <span className="facet-bar" style={{ width: `${(c.count / maxColumn) * 100}%` }} />
            </button>
          </li>
        ))}
      </ul>
      {children}
    </aside>
  );
}
