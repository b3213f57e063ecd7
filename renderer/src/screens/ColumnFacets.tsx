// The facets of one column, OpenRefine style: its values, their character-class shapes, a
// histogram of those that read as numbers and the years of those that read as dates. The engine
// counts each with every other pick applied but its own; a click narrows the grid to that entry,
// a second click lifts it. "Set these N cells" hands the failing cells of the column under the
// whole filter to the manual edit, so one value is proposed for all of them.
import type { ColumnFacets as Facets, QuarantineFilter } from '../../../main/api/contract.js';
import { count } from '../format.js';

/** The most cells one manual edit may set (the engine's editCells limit). */
const EDIT_LIMIT = 10_000;

interface Props {
  facets: Facets | null;
  filter: QuarantineFilter;
  onFilter(filter: QuarantineFilter): void;
  /** the analyst asked to set every failing cell the facet counts */
  onEditAll(): void;
  busy: boolean;
  onClose(): void;
}

interface Entry { key: string; label: string; count: number; on: boolean; pick: QuarantineFilter }

function EntryList({ name, entries, mono, onPick }: { name: string; entries: Entry[]; mono?: boolean; onPick(pick: QuarantineFilter): void }) {
  const max = Math.max(1, ...entries.map((e) => e.count));
  return (
    <ul className="facet-list facet-scroll" data-facet={name}>
      {entries.map((e) => (
        <li key={e.key}>
          <button className={e.on ? 'on' : ''} data-value={e.key} onClick={() => onPick(e.pick)}>
            <span className={`facet-name ${mono ? 'mono' : ''}`}>{e.label}</span>
            <span className="facet-count">{count(e.count)}</span>
            <span className="facet-bar" style={{ width: `${(e.count / max) * 100}%` }} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * The histogram's ends with the fewest significant digits that keep them all apart: abv between
 * 0.027 and 0.128 reads 0.027 – 0.037, 0.037 – 0.047, never 0.06 – 0.06 as two decimals gave.
 */
function endsFormat(ends: number[]): (x: number) => string {
  const distinct = new Set(ends).size;
  for (let p = 2; p <= 17; p++) {
    const at = (x: number) => String(Number(x.toPrecision(p)));
    if (new Set(ends.map(at)).size === distinct) return at;
  }
  return String;
}

/** Each bucket of the number facet as the range it covers, `0.046 – 0.056`. */
function bucketLabels(f: Facets): string[] {
  if (!f.numbers) return [];
  const fmt = endsFormat([...f.numbers.buckets.map((b) => b.from), f.numbers.max]);
  return f.numbers.buckets.map((b) => `${fmt(b.from)} – ${fmt(b.to)}`);
}

/** The picked bucket as the facet shows it (for the filter's chip), or null while its histogram is not the one on screen. */
export function numberPickLabel(f: Facets | null, range: QuarantineFilter['numberRange']): string | null {
  if (!f?.numbers || !range || f.numbers.min !== range.min || f.numbers.max !== range.max) return null;
  return bucketLabels(f)[range.bucket] ?? null;
}

export function ColumnFacets({ facets: f, filter, onFilter, onEditAll, busy, onClose }: Props) {
  const onPick = (pick: QuarantineFilter) => onFilter({ ...filter, ...pick });
  if (!f) return <section className="column-facets" data-testid="column-facets" aria-busy="true"><p className="small muted">Counting {filter.field}…</p></section>;
  const toggle = <K extends keyof QuarantineFilter>(key: K, v: QuarantineFilter[K], same: boolean): QuarantineFilter => ({ [key]: same ? undefined : v });
  const values: Entry[] = f.values.map((v) => ({ key: v.value ?? '\u0000', label: v.value === null ? '(empty)' : v.value === '' ? '(blank)' : v.value, count: v.count, on: filter.value === v.value, pick: toggle('value', v.value, filter.value === v.value) }));
  const shapes: Entry[] = f.shapes.map((s) => ({ key: s.shape, label: s.shape || '(empty)', count: s.count, on: filter.shape === s.shape, pick: toggle('shape', s.shape, filter.shape === s.shape) }));
  const range = filter.numberRange;
  const label = bucketLabels(f);
  const numbers: Entry[] = [
    ...(f.numbers?.buckets.map((b) => {
      const on = !!range && range.bucket === b.bucket;
      return { key: String(b.bucket), label: label[b.bucket], count: b.count, on, pick: toggle('numberRange', { min: f.numbers!.min, max: f.numbers!.max, bucket: b.bucket }, on) };
    }) ?? []),
    ...(f.notNumbers ? [{ key: 'nan', label: 'not a number', count: f.notNumbers, on: range === null, pick: toggle('numberRange', null, range === null) }] : []),
  ];
  const years: Entry[] = [
    ...f.years.map((y) => ({ key: String(y.year), label: String(y.year), count: y.count, on: filter.year === y.year, pick: toggle('year', y.year, filter.year === y.year) })),
    ...(f.notDates ? [{ key: 'nad', label: 'not a date', count: f.notDates, on: filter.year === null, pick: toggle('year', null, filter.year === null) }] : []),
  ];
  const n = f.failingCells;
  return (
    <section className="column-facets" data-testid="column-facets" data-column={f.column}>
      <div className="column-facets-head">
        <h4>Facets of <span className="mono">{f.column}</span></h4>
        <button className="btn btn-ghost btn-sm" onClick={onClose} aria-label="Close the column's facets">×</button>
      </div>
      <button className="btn btn-secondary btn-sm facet-edit" disabled={busy || n === 0 || n > EDIT_LIMIT} onClick={onEditAll} data-testid="facet-edit" data-cells={n}>
        {n === 1 ? 'Set this cell to …' : `Set these ${count(n)} cells to …`}
      </button>
      {n > EDIT_LIMIT && <p className="small note-amber" data-testid="facet-edit-limit">One manual edit sets at most {count(EDIT_LIMIT)} cells: narrow the facets first, or write a rule for the column.</p>}
      <h4>Value · <span className="small muted">{f.distinctValues > f.values.length ? `top ${f.values.length} of ${count(f.distinctValues)}` : `${count(f.distinctValues)} distinct`}</span></h4>
      <EntryList name="value" onPick={onPick} entries={values} mono />
      <h4>Shape</h4>
      <EntryList name="shape" onPick={onPick} entries={shapes} mono />
      {numbers.length > 0 && <><h4>Number</h4><EntryList name="number" onPick={onPick} entries={numbers} /></>}
      {years.length > 0 && <><h4>Date (year)</h4><EntryList name="year" onPick={onPick} entries={years} /></>}
    </section>
  );
}
