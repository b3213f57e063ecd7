// The quarantine as a virtualized grid: only the rows on screen exist in the page, and pages of
// rows are asked of the engine as they scroll into view, so a million-row quarantine scrolls as
// easily as a hundred. Failing cells are marked with their reason.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ApiError, QuarantineFilter, QuarantineRow } from '../../../main/api/contract.js';
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
}

export function QuarantineGrid({ runId, filter, revision, picked, onPick }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, QuarantineRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const [columns, setColumns] = useState<string[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [lastMs, setLastMs] = useState<number | null>(null);
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);

  const fetchPage = async (page: number, gen: number) => {
    if (pages.current.has(page) || loading.current.has(page)) return;
    loading.current.add(page);
    try {
      const res = await call('quarantinePage', { runId, offset: page * PAGE, limit: PAGE, filter });
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

  const key = JSON.stringify([runId, filter, revision]);
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

  const width = ID_WIDTH + REASON_WIDTH + columns.length * COL_WIDTH;
  const template = useMemo(() => `${ID_WIDTH}px ${REASON_WIDTH}px repeat(${columns.length}, ${COL_WIDTH}px)`, [columns.length]);

  return (
    <div className="grid-wrap">
      <ErrorNote error={error} />
      <div className="grid-scroll" ref={scroller} data-testid="grid">
        <div className="grid-head" style={{ width, gridTemplateColumns: template }}>
          <div className="gh">Row</div>
          <div className="gh">Reasons</div>
          {columns.map((c) => <div key={c} className={`gh ${filter.column === c ? 'gh-active' : ''}`}>{c}</div>)}
        </div>
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((item) => {
            const row = pages.current.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
            const failing = new Map(row?.reasons.map((r) => [r.column, r.reason]) ?? []);
            return (
              <div
                key={item.key}
                className={`grid-row ${item.index % 2 ? 'odd' : ''}`}
                data-index={item.index}
                data-row-id={row?.rowId}
                data-loaded={row ? 'yes' : 'no'}
                style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template, width }}
              >
                {row ? (
                  <>
                    <div className="gc gc-id mono">{row.rowId}</div>
                    <div className="gc gc-reasons">
                      {row.reasons.map((r, i) => <span key={i} className="reason-pill" style={{ borderColor: colourOf(r.reason) }} title={`${r.column}: ${r.reason}`}>{r.column}<b style={{ color: colourOf(r.reason) }}>{r.reason.replace(/_/g, ' ').toLowerCase()}</b></span>)}
                    </div>
                    {row.values.map((v, i) => {
                      const why = failing.get(columns[i]);
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
      </div>
    </div>
  );
}
