// Quarantine: the rows held back, with facets by reason and column (each counting against the
// other's pick), a chart of failures, and a grid paged from the engine. A failing cell picked in
// the grid can be set by hand (ManualEdit); a row clicked opens beside it (RowPanel).
import { useMemo, useState } from 'react';
import type { QuarantineFacets, QuarantineFilter } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call } from '../bridge.js';
import { useDebounced, useLoad } from '../useLoad.js';
import { count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { FailureChart } from '../components/FailureChart.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';
import { FacetPanel } from './FacetPanel.js';
import { QuarantineGrid, type PickedCell } from './QuarantineGrid.js';
import { ManualEdit } from './ManualEdit.js';
import { RowPanel } from './RowPanel.js';

export function QuarantineScreen() {
  const { runId, revision } = useApp();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<QuarantineFilter>({});
  const [cells, setCells] = useState<PickedCell[]>([]);
  const [opened, setOpened] = useState<number | null>(null);
  const pick = (cell: PickedCell, add: boolean) => setCells((cs) => {
    if (!add || cs[0]?.column !== cell.column) return cs.length === 1 && cs[0].rowId === cell.rowId && cs[0].column === cell.column ? [] : [cell];
    return cs.some((c) => c.rowId === cell.rowId) ? cs.filter((c) => c.rowId !== cell.rowId) : [...cs, cell];
  });
  const chosen = cells.length ? { column: cells[0].column, rows: new Set(cells.map((c) => c.rowId)) } : null;
  const term = useDebounced(search.trim(), 300);
  const filter: QuarantineFilter = { ...picked, ...(term ? { search: term } : {}) };
  // The facets get the whole filter: each counts with the other facet's pick applied.
  const facets = useLoad<QuarantineFacets>(runId ? () => call('quarantineFacets', { runId, filter }) : null, [runId, term, picked.column, picked.reason, revision]);

  const failing = useMemo(() => failingColumns(facets.data), [facets.data]);

  if (!runId) {
    return <div className="screen"><ScreenHeader title="Quarantine" /><EmptyState title="No run selected" icon={<Icon name="quarantine" size={32} />}>Run a file first.</EmptyState></div>;
  }
  const f = facets.data;
  return (
    <div className="screen screen-quarantine">
      <ScreenHeader
        title="Quarantine"
        subtitle={f ? <><strong>{count(f.totalRows)}</strong> rows held back, with {count(f.byColumnReason.reduce((a, r) => a + r.count, 0))} failing cells. Nothing here reaches production until it is fixed.</> : 'Rows held back from production, with their reasons.'}
        withRun
      />
      <ErrorNote error={facets.error} />
      <div className="quarantine-layout">
        <FacetPanel facets={f} filter={picked} search={search} onSearch={setSearch} onFilter={setPicked} />
        <div className="quarantine-main">
          {f && f.byColumn.length > 0 && (
            <section className="card chart-card">
              <div className="card-head"><h3>Failures by column and reason</h3><span className="small muted">click a bar to filter</span></div>
              <FailureChart facets={f} active={picked} onPick={(column, reason) => setPicked({ column, reason })} maxBars={10} />
            </section>
          )}
          <section className="card grid-card">
            <ManualEdit key={runId} runId={runId} cells={cells} onClear={() => setCells([])} />
            <QuarantineGrid runId={runId} filter={filter} revision={revision} picked={chosen} onPick={pick} failing={failing} opened={opened} onOpen={setOpened} />
          </section>
        </div>
      </div>
      {opened !== null && <RowPanel key={`${runId}:${opened}`} runId={runId} rowId={opened} revision={revision} onClose={() => setOpened(null)} />}
    </div>
  );
}

/** Columns with failing cells, most first (from the chart's pairs, so a facet pick does not reorder the grid). */
function failingColumns(f: QuarantineFacets | null): string[] {
  if (!f) return [];
  const n = new Map<string, number>();
  for (const p of f.byColumnReason) n.set(p.column, (n.get(p.column) ?? 0) + p.count);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}
