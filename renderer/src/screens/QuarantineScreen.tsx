// Quarantine: the rows held back, with facets by reason and column and, for one chosen column,
// by value, shape, number and year (each counting against the others' picks), a chart of
// failures, and a grid paged from the engine. A failing cell picked in
// the grid can be set by hand (ManualEdit); a row clicked opens beside it (RowPanel).
import { useMemo, useState } from 'react';
import type { ApiError, ColumnFacets as Facets, QuarantineFacets, QuarantineFilter } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call, errorOf } from '../bridge.js';
import { useDebounced, useLoad } from '../useLoad.js';
import { counted } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { FailureChart } from '../components/FailureChart.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';
import { FacetPanel } from './FacetPanel.js';
import { ColumnFacets, numberPickLabel } from './ColumnFacets.js';
import { QuarantineGrid, type PickedCell } from './QuarantineGrid.js';
import { ManualEdit } from './ManualEdit.js';
import { RowPanel } from './RowPanel.js';

export function QuarantineScreen() {
  const { runId, revision } = useApp();
  const [search, setSearch] = useState('');
  const [picked, setPickedRaw] = useState<QuarantineFilter>({});
  // Another facet column drops the picks made on the previous one's values.
  const setPicked = (next: QuarantineFilter) => setPickedRaw(next.field === picked.field ? next : { ...next, value: undefined, shape: undefined, numberRange: undefined, year: undefined });
  const [editing, setEditing] = useState(false);
  const [editError, setEditError] = useState<ApiError | null>(null);
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
  const pickedKey = JSON.stringify(picked);
  const facets = useLoad<QuarantineFacets>(runId ? () => call('quarantineFacets', { runId, filter }) : null, [runId, term, pickedKey, revision]);
  const fieldFacets = useLoad<Facets>(runId && picked.field ? () => call('columnFacets', { runId, filter }) : null, [runId, term, pickedKey, revision]);
  // "Set these N cells": the engine lists the failing cells under the whole filter, and the
  // manual edit proposes one value for them all (verified and audited as any manual edit).
  const editAll = async () => {
    if (!runId) return;
    setEditing(true);
    try {
      const { column, rowIds } = await call('facetCells', { runId, filter });
      setCells(rowIds.map((rowId) => ({ rowId, column, value: null })));
      setEditError(null);
    } catch (e) {
      setEditError(errorOf(e));
    } finally {
      setEditing(false);
    }
  };

  const failing = useMemo(() => failingColumns(facets.data), [facets.data]);

  if (!runId) {
    return <div className="screen"><ScreenHeader title="Quarantine" /><EmptyState title="No run selected" icon={<Icon name="quarantine" size={32} />}>Run a file first.</EmptyState></div>;
  }
  const f = facets.data;
  return (
    <div className="screen screen-quarantine">
      <ScreenHeader
        title="Quarantine"
        subtitle={f ? <QuarantineTotals facets={f} search={term} /> : 'Rows held back from production, with their reasons.'}
        withRun
      />
      <ErrorNote error={facets.error} />
      <div className="quarantine-layout">
        <FacetPanel facets={f} filter={picked} search={search} onSearch={setSearch} onFilter={setPicked} numberLabel={numberPickLabel(fieldFacets.data, picked.numberRange)}>
          <ErrorNote error={fieldFacets.error ?? editError} />
          {picked.field && <ColumnFacets facets={fieldFacets.data} filter={picked} onFilter={setPicked} onEditAll={() => void editAll()} busy={editing} onClose={() => setPicked({ ...picked, field: undefined })} />}
        </FacetPanel>
        <div className="quarantine-main">
          {f && f.byColumn.length > 0 && (
            <section className="card chart-card">
              <div className="card-head"><h3>Failures by column and reason</h3><span className="small muted">click a bar to filter</span></div>
              <FailureChart facets={f} active={picked} onPick={(column, reason) => setPicked({ column, reason })} maxBars={10} />
            </section>
          )}
          <section className="card grid-card">
            <ManualEdit key={runId} runId={runId} cells={cells} onClear={() => setCells([])} />
            <QuarantineGrid runId={runId} filter={filter} revision={revision} picked={chosen} onPick={pick} failing={failing} opened={opened} onOpen={setOpened} onFacet={(c) => setPicked({ ...picked, field: picked.field === c ? undefined : c })} />
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

/**
 * The header's totals: the whole quarantine's rows, and its failing cells (the chart's pairs,
 * which no facet pick narrows); a search narrows them, and then says so.
 */
function QuarantineTotals({ facets: f, search }: { facets: QuarantineFacets; search: string }) {
  const cells = f.byColumnReason.reduce((a, r) => a + r.count, 0);
  if (!search) return <><strong>{counted(f.totalRows, 'row')}</strong> held back, with {counted(cells, 'failing cell')}. Nothing here reaches production until it is fixed.</>;
  return <><strong>{counted(f.totalRows, 'row')}</strong> held back; {counted(f.matchingRows, 'row')} match the search, with {counted(cells, 'failing cell')}. Nothing here reaches production until it is fixed.</>;
}
