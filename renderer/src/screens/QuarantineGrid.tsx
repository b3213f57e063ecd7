// The quarantine as a virtualized grid: only the rows on screen exist in the page, and pages of
// rows are asked of the engine as they scroll into view, so a million-row quarantine scrolls as
// easily as a hundred. Failing cells are marked with their reason. The row number and reasons
// stay put when it scrolls sideways, the failing columns come first, a header sorts (in the
// engine), hides, or is dragged onto another to move its column there, and a click on a row
// opens it.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ApiError, QuarantineFilter, QuarantineRow, QuarantineSort } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { colourOf } from '../components/FailureChart.js';

const ROW_HEIGHT = 30;
const PAGE = 200;
const ID_WIDTH = 84;
const REASON_WIDTH = 250;
const COL_WIDTH = 168;

/** A failing cell the analyst picked to set by hand. */
export interface PickedCell {
  rowId: number;
  column: string;
  value: string | null;
}

interface Props {
  runId: string;
  filter: QuarantineFilter;
  revision: number;
  /** the picked cells (one column at a time), keyed `rowId` */
  picked?: { column: string; rows: Set<number> } | null;
  /** a click on a failing cell; `add` with Ctrl/⌘/Shift keeps the cells already picked */
  onPick?(cell: PickedCell, add: boolean): void;
  /** columns with failing cells, most first: shown before the others */
  failing?: string[];
  /** the row open in the row panel */
  opened?: number | null;
  onOpen?(rowId: number): void;
  /** a header's facet action: show that column's value, shape, number and date facets */
  onFacet?(column: string): void;
}

/** The columns in the order shown: the failing ones first (most failures first), then the rest as the contract lists them. */
export function displayOrder(columns: string[], failing: string[]): string[] {
  const first = [...new Set(failing)].filter((c) => columns.includes(c));
  return [...first, ...columns.filter((c) => !first.includes(c))];
}

export function QuarantineGrid({ runId, filter, revision, picked, onPick, failing = [], opened = null, onOpen, onFacet }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, QuarantineRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const [columns, setColumns] = useState<string[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [lastMs, setLastMs] = useState<number | null>(null);
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [sort, setSort] = useState<QuarantineSort | null>(null);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  /** the analyst's own column order, once a header was dragged (null: failing columns first) */
  const [moved, setMoved] = useState<string[] | null>(null);

  const fetchPage = async (page: number, gen: number) => {
    if (pages.current.has(page) || loading.current.has(page)) return;
    loading.current.add(page);
    try {
      const res = await call('quarantinePage', { runId, offset: page * PAGE, limit: PAGE, filter, ...(sort ? { sort } : {}) });
      if (gen !== generation.current) return;
      pages.current.set(page, res.rows);
      setColumns(res.columns);
      setTotal(res.total);
      setLastMs(res.ms);
      setLoaded((n) => n + 1);
    } catch (e) {
      if (gen === generation.current) setError(errorOf(e));
    } finally {
      loading.current.delete(page);
    }
  };

  const key = JSON.stringify([runId, filter, revision, sort]);
  useEffect(() => {
    const gen = ++generation.current;
    pages.current = new Map();
    loading.current = new Set();
    setTotal(null);
    setError(null);
    scroller.current?.scrollTo({ top: 0 });
    void fetchPage(0, gen);
  }, [key]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total === null) return;
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) void fetchPage(p, generation.current);
  }, [first, last, total]);

  // The column picked, then the one whose facets are open (its values narrow the grid, so they
  // are in view without scrolling even where none of them fails), then the failing ones.
  const order = useMemo(() => (moved ? displayOrder(columns, moved) : displayOrder(columns, [filter.column, filter.field, ...failing].filter((c): c is string => !!c))), [columns, failing, filter.column, filter.field, moved]);
  const shown = useMemo(() => order.filter((c) => !hidden.has(c)).map((name) => ({ name, i: columns.indexOf(name) })), [columns, order, hidden]);
  const width = ID_WIDTH + REASON_WIDTH + shown.length * COL_WIDTH;
  const template = `${ID_WIDTH}px ${REASON_WIDTH}px repeat(${shown.length}, ${COL_WIDTH}px)`;
  // A header click cycles its column: ascending, descending, row order again.
  const cycleSort = (column: string) => setSort((s) => (s?.column !== column ? { column, descending: false } : s.descending ? null : { column, descending: true }));
  const hide = (column: string) => setHidden((h) => new Set([...h, column]));
  // A header dropped on another goes just before it.
  const moveBefore = (column: string, target: string) => {
    if (column === target) return;
    const rest = order.filter((c) => c !== column);
    rest.splice(rest.indexOf(target), 0, column);
    setMoved(rest);
  };

  return (
    <div className="grid-wrap">
      <ErrorNote error={error} />
      <div className="grid-scroll" ref={scroller} data-testid="grid">
        <div className="grid-head" style={{ width, gridTemplateColumns: template }}>
          <div className="gh gh-id">Row</div>
          <div className="gh gh-reasons">Reasons</div>
          {shown.map(({ name: c }) => (
            <div
              key={c}
              className={`gh gh-col ${filter.column === c ? 'gh-active' : ''} ${failing.includes(c) ? 'gh-failing' : ''}`}
              data-column={c}
              aria-sort={sort?.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              draggable
              onDragStart={(e) => { e.dataTransfer.setData('text/x-airlock-column', c); e.dataTransfer.effectAllowed = 'move'; }}
              onDragOver={(e) => { if (e.dataTransfer.types.includes('text/x-airlock-column')) e.preventDefault(); }}
              onDrop={(e) => { e.preventDefault(); moveBefore(e.dataTransfer.getData('text/x-airlock-column'), c); }}
            >
              <button className="gh-sort" onClick={() => cycleSort(c)} title={`Sort by ${c}`} data-testid="sort-column">
                {c}{sort?.column === c ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </button>
              {onFacet && <button className={`gh-facet ${filter.field === c ? 'on' : ''}`} onClick={() => onFacet(c)} title={`Facet ${c}`} aria-label={`Facet ${c}`} data-testid="facet-column">≡</button>}
              <button className="gh-hide" onClick={() => hide(c)} title={`Hide ${c}`} aria-label={`Hide ${c}`} data-testid="hide-column">×</button>
            </div>
          ))}
        </div>
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((item) => {
            const row = pages.current.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
            const failingHere = new Map(row?.reasons.map((r) => [r.column, r.reason]) ?? []);
            return (
              <div
                key={item.key}
                className={`grid-row ${item.index % 2 ? 'odd' : ''} ${row && row.rowId === opened ? 'grid-row-open' : ''}`}
                data-index={item.index}
                data-row-id={row?.rowId}
                data-loaded={row ? 'yes' : 'no'}
                style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template, width }}
                // A failing cell's click picks it for a manual edit; anywhere else opens the row.
                onClick={row && onOpen ? (e: MouseEvent) => { if (!(e.target as HTMLElement).closest('.gc-pick')) onOpen(row.rowId); } : undefined}
              >
                {row ? (
                  <>
                    <div className="gc gc-id mono">
                      {onOpen ? <button className="gc-open" data-testid="open-row" title={`Open row ${row.rowId}`} onClick={(e) => { e.stopPropagation(); onOpen(row.rowId); }}>{row.rowId}</button> : row.rowId}
                    </div>
                    <div className="gc gc-reasons">
                      {row.reasons.map((r, i) => <span key={i} className="reason-pill" style={{ borderColor: colourOf(r.reason) }} title={`${r.column}: ${r.reason}`}>{r.column}<b style={{ color: colourOf(r.reason) }}>{r.reason.replace(/_/g, ' ').toLowerCase()}</b></span>)}
                    </div>
                    {shown.map(({ i }) => {
                      const v = row.values[i];
                      const why = failingHere.get(columns[i]);
                      const pickable = Boolean(why && onPick);
                      const on = pickable && picked?.column === columns[i] && picked.rows.has(row.rowId);
                      return (
                        <div
                          key={i}
                          className={`gc ${why ? 'gc-bad' : ''} ${v === null ? 'gc-null' : ''} ${pickable ? 'gc-pick' : ''} ${on ? 'gc-picked' : ''}`}
                          title={why ? `${columns[i]}: ${why}${v === null ? '' : ` — ${v}`}${pickable ? ' · click to set this cell by hand' : ''}` : v ?? 'empty'}
                          data-column={columns[i]}
                          {...(pickable ? {
                            role: 'button', tabIndex: 0, 'aria-pressed': on,
                            onClick: (e: MouseEvent) => onPick!({ rowId: row.rowId, column: columns[i], value: v }, e.ctrlKey || e.metaKey || e.shiftKey),
                            onKeyDown: (e: KeyboardEvent) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onPick!({ rowId: row.rowId, column: columns[i], value: v }, e.ctrlKey || e.metaKey || e.shiftKey); } },
                          } : {})}
                        >
                          {v ?? '∅'}
                        </div>
                      );
                    })}
                  </>
                ) : <div className="gc gc-loading">loading…</div>}
              </div>
            );
          })}
        </div>
      </div>
      <div className="grid-status small muted" data-testid="grid-status">
        {total === null ? 'Loading…' : total === 0 ? 'No quarantined rows match.' : (
          <>Rows {count(first + 1)}–{count(Math.min(total, last + 1))} of <strong data-testid="grid-total">{count(total)}</strong>{lastMs !== null && <> · last page read in {lastMs} ms</>}</>
        )}
        {sort && <> · sorted by <span className="mono">{sort.column}</span> {sort.descending ? 'descending' : 'ascending'}</>}
        {moved && <> · columns moved <button className="btn btn-ghost btn-sm" data-testid="reset-order" onClick={() => setMoved(null)}>failing columns first</button></>}
        {hidden.size > 0 && <> · {hidden.size} hidden <button className="btn btn-ghost btn-sm" data-testid="show-columns" onClick={() => setHidden(new Set())}>show all columns</button></>}
      </div>
    </div>
  );
}
