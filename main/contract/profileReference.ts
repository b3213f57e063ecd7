// Spellings of one real-world thing ('US', 'USA', 'United States', 'U.S.'; 'USD', '$') are one
// member of a value set, not five. A column whose values mostly name entities of one reference
// table (resources/reference: countries, US states, currencies) folds each spelling onto the
// entity; which spelling is canonical is left to the data (its most frequent one). Works on a
// column's top values only (a few dozen), never on rows.
import { referenceKey, type ReferenceDomain, type ReferenceTables } from './reference.js';
import type { ValueCount } from './profileStats.js';

/** Maps a value to its entity ('country:US') in the column's domain, or undefined. */
export type EntityOf = (value: string) => string | undefined;

function aliasIndex(ref: ReferenceTables, domain: ReferenceDomain): Map<string, string[]> {
  const out = new Map<string, string[]>();
  ref[domain].entities.forEach((e, i) => {
    for (const a of e.aliases) {
      const k = referenceKey(a);
      const ids = out.get(k) ?? [];
      if (!ids.includes(`${domain}:${i}`)) ids.push(`${domain}:${i}`);
      out.set(k, ids);
    }
  });
  return out;
}

/**
 * The reference domain naming at least `share` of the column's non-empty values (counted over its
 * top values), as a value -> entity function; undefined when no domain does. An alias that names
 * two entities of the domain names none.
 */
export function entityOfColumn(top: ValueCount[], nonEmpty: number, ref: ReferenceTables | undefined, share: number): EntityOf | undefined {
  if (!ref || nonEmpty === 0) return undefined;
  let best: { domain: ReferenceDomain; rows: number; index: Map<string, string[]> } | undefined;
  for (const domain of Object.keys(ref) as ReferenceDomain[]) {
    const index = aliasIndex(ref, domain);
    const rows = top.reduce((n, x) => n + ((index.get(referenceKey(x.value))?.length ?? 0) === 1 ? x.count : 0), 0);
    if (!best || rows > best.rows) best = { domain, rows, index };
  }
  if (!best || best.rows < share * nonEmpty) return undefined;
  const index = best.index;
  return (value) => {
    const ids = index.get(referenceKey(value));
    return ids?.length === 1 ? ids[0] : undefined;
  };
}
