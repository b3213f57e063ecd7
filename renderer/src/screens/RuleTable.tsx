// A rule's lines as a table that stays small on screen however long the rule is: a filter box and
// pages of lines (a value map can have thousands). Read-only for a rule's description; the map
// editor draws its own cells through `cell`.
import { useMemo, useState, type ReactNode } from 'react';
import { count } from '../format.js';

export const PAGE_SIZE = 20;

export interface Paged<T> {
  filter: string;
  setFilter(text: string): void;
  page: number;
  setPage(page: number): void;
  pages: number;
  /** lines matching the filter */
  matching: Array<{ item: T; index: number }>;
  /** the lines on the current page */
  shown: Array<{ item: T; index: number }>;
}

/** Filtering and paging of a list of lines; `text` is what the filter box searches in a line. */
export function usePaged<T>(items: T[], text: (item: T) => string): Paged<T> {
  const [filter, setFilterText] = useState('');
  const [page, setPage] = useState(0);
  const matching = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const all = items.map((item, index) => ({ item, index }));
    return needle ? all.filter((l) => text(l.item).toLowerCase().includes(needle)) : all;
  }, [items, filter]);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  return {
    filter,
    setFilter: (t) => { setFilterText(t); setPage(0); },
    page: current,
    setPage,
    pages,
    matching,
    shown: matching.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE),
  };
}

/** The lines with their filter box and pager. */
export function PagedFrame<T>({ paged, total, noun, children, tools }: { paged: Paged<T>; total: number; noun: string; children: ReactNode; tools?: ReactNode }) {
  const from = paged.matching.length === 0 ? 0 : paged.page * PAGE_SIZE + 1;
  const to = Math.min(paged.matching.length, (paged.page + 1) * PAGE_SIZE);
  const pager = (
    <div className="rt-pager small muted" data-testid="rule-pager">
      <span>{paged.matching.length === 0 ? `No ${noun} matches.` : paged.pages === 1 && !paged.filter ? `${count(total)} ${noun}${total === 1 ? '' : 's'}` : <>{count(from)}–{count(to)} of {count(paged.matching.length)} {noun}{paged.matching.length === 1 ? '' : 's'}{paged.filter ? ` matching (${count(total)} in all)` : ''}</>}</span>
      {paged.pages > 1 && (
        <span className="rt-pages">
          <button className="btn btn-secondary btn-sm" disabled={paged.page === 0} onClick={() => paged.setPage(paged.page - 1)} aria-label="Previous page">‹</button>
          <span>page {paged.page + 1} of {paged.pages}</span>
          <button className="btn btn-secondary btn-sm" disabled={paged.page >= paged.pages - 1} onClick={() => paged.setPage(paged.page + 1)} aria-label="Next page">›</button>
        </span>
      )}
    </div>
  );
  // A long table has its filter, pager and tools above the lines, where the eye is; a short one
  // its tools above and its count below.
  const long = total > PAGE_SIZE || paged.filter !== '';
  return (
    <div className="rule-table" data-testid="rule-table">
      {long && (
        <div className="rt-tools">
          <input type="search" placeholder={`Filter ${count(total)} ${noun}s…`} aria-label={`Filter the ${noun}s`} value={paged.filter} onChange={(e) => paged.setFilter(e.target.value)} data-testid="rule-filter" />
          {pager}
          {tools}
        </div>
      )}
      {!long && tools && <div className="rt-tools">{tools}</div>}
      <div className="table-scroll rt-scroll">{children}</div>
      {!long && pager}
    </div>
  );
}

type Cell = string | number | null;

/** A description's table (a map's from → to with rows and applied, a manual edit's cells). */
export function RuleTable({ columns, rows }: { columns: string[]; rows: Cell[][] }) {
  const paged = usePaged(rows, (r) => r.map((c) => (c === null ? '' : String(c))).join('\u0001'));
  const applied = columns.indexOf('applied');
  const numeric = columns.map((c) => c === 'rows' || c === 'row');
  return (
    <PagedFrame paged={paged} total={rows.length} noun="line">
      <table className="table compact rt">
        <thead><tr>{columns.map((c, i) => <th key={c} className={numeric[i] ? 'num' : i === applied ? 'rt-applied' : ''}>{c}</th>)}</tr></thead>
        <tbody>
          {paged.shown.map(({ item, index }) => {
            const off = applied >= 0 && item[applied] === 'no';
            return (
              <tr key={index} className={off ? 'rt-off' : ''} data-line={index} data-key={item[0] === null ? '' : String(item[0])} data-applied={applied >= 0 ? String(item[applied]) : undefined}>
                {item.map((c, i) => (
                  <td key={i} className={numeric[i] ? 'num mono' : i === applied ? '' : 'mono rt-val'} title={c === null ? 'empty' : String(c)}>
                    {i === applied ? (c === 'no' ? <span className="rt-no">not applied</span> : <span className="rt-yes">✓ applied</span>) : c === null ? <span className="muted">∅</span> : typeof c === 'number' ? count(c) : c}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </PagedFrame>
  );
}
