// An amount written with the currency its own row already names: `EUR 478,68` in a number column
// beside `currency = EUR`, `$12.50` beside `USD`. Locale-aware spreadsheets and invoice exports
// write money this way. The value strategy for currencies (synth/numberUnits.ts) refuses a
// cluster that mixes currencies, since stripping `EUR` from one row and `GBP` from the next is a
// conversion it cannot judge from the values alone. The row can: where another column holds
// currency codes, a marker that names the row's own currency carries no information the row
// lacks, and removing it changes no amount. A marker that disagrees with the row (`$12.50` on a
// EUR row) is left as it is, for the analyst. Separators are read per value and only where the
// value itself proves the reading (`1.234,50`, `12,5`, `1,234,567`); `1,234` and `1.234` are
// left. Judged in DuckDB only, like the other row strategies.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import type { ReferenceTables } from '../../contract/reference.js';
import { queryRows, sqlIdent, sqlString } from '../../store/duckdb.js';
import type { Cluster } from '../types.js';
import { sqlStrip } from '../synth/common.js';
import type { RowStrategyResult } from './types.js';

/** Share of the currency column's values (over the batch) that must be known currency codes. */
const MIN_CODE_SHARE = 0.9;
/** Share of a column's values naming a currency in any spelling before it counts as a second currency column. */
const MIN_LIKE_SHARE = 0.5;
/** Share of the cluster's rows the rule must explain: below it the failures tell another story. */
const MIN_CLUSTER_SHARE = 0.5;

const NUM = '[0-9][0-9.,]*[0-9]|[0-9]';
/** A marker before or after the number (a '+' may precede the number); nothing else in the cell. */
const SHAPE = `^(?:([^0-9 +.,-][^0-9 +]*) *\\+? *(${NUM})|\\+? *(${NUM}) *([^0-9 +.,-][^0-9 ]*))$`;

/** The number's text with '.' as the decimal mark, NULL where its separators could be read two ways. */
export function canonicalNumberSql(n: string): string {
  const m = (re: string) => `regexp_full_match(${n}, ${sqlString(re)})`;
  return `CASE
    WHEN ${m('[0-9]+')} THEN ${n}
    WHEN ${m('[0-9]+\\.([0-9]{1,2}|[0-9]{4,})|[0-9]{4,}\\.[0-9]+')} THEN ${n}
    WHEN ${m('[0-9]+,([0-9]{1,2}|[0-9]{4,})|[0-9]{4,},[0-9]+')} THEN replace(${n}, ',', '.')
    WHEN ${m('[0-9]{1,3}(,[0-9]{3}){2,}|[0-9]{1,3}(,[0-9]{3})+\\.[0-9]+')} THEN replace(${n}, ',', '')
    WHEN ${m('[0-9]{1,3}(\\.[0-9]{3}){2,}|[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+')} THEN replace(replace(${n}, '.', ''), ',', '.')
  END`;
}

/** Every spelling of a currency short enough to mark an amount, upper-cased, and the codes it may mean. */
export function currencyMarkers(ref: ReferenceTables): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of ref.currency.entities) {
    const code = e.forms.code;
    if (!code) continue;
    for (const t of [code, e.forms.symbol, ...e.aliases.filter((a) => a.length <= 4)]) {
      if (!t || /[0-9\s]/.test(t)) continue;
      const key = t.toUpperCase();
      const codes = out.get(key) ?? [];
      if (!codes.includes(code)) codes.push(code);
      out.set(key, codes);
    }
  }
  return out;
}

/** Every spelling of every currency (codes, symbols, names), upper-cased: what a currency column may hold. */
function currencySpellings(ref: ReferenceTables): string[] {
  const out = new Set<string>();
  for (const e of ref.currency.entities) for (const t of [...Object.values(e.forms), ...e.aliases]) if (t) out.add(t.toUpperCase());
  return [...out];
}

export interface CurrencyColumns {
  /** the first column whose values are nearly all currency codes: the marker must name its code */
  holder: string | null;
  /** every column that mostly names currencies, however spelt (the holder included) */
  currencyLike: string[];
}

/**
 * Which columns of the batch name a currency. Every one of them is a witness: a second one (a paid
 * currency beside a billed one), even dirty or written as symbols, must not name another currency
 * than the marker on the row (see `currencyOfRow`).
 */
export async function currencyColumns(conn: DuckDBConnection, contract: Contract, amount: string, universe: string, ref: ReferenceTables): Promise<CurrencyColumns> {
  const codes = [...new Set(ref.currency.entities.map((e) => e.forms.code).filter(Boolean))];
  const others = contract.columns.filter((x) => x.name !== amount && x.logicalType === 'string');
  if (others.length === 0 || codes.length === 0) return { holder: null, currencyLike: [] };
  const codeList = `[${codes.map(sqlString).join(', ')}]`;
  const spellList = `[${currencySpellings(ref).map(sqlString).join(', ')}]`;
  const shares = others.map((x, i) => {
    const v = `upper(trim(${sqlIdent(x.name)}))`;
    const filled = `FILTER (WHERE ${sqlIdent(x.name)} IS NOT NULL AND trim(${sqlIdent(x.name)}) <> '')`;
    return `coalesce(avg(CASE WHEN list_contains(${codeList}, ${v}) THEN 1 ELSE 0 END) ${filled}, 0) AS c${i},
      coalesce(avg(CASE WHEN list_contains(${spellList}, ${v}) THEN 1 ELSE 0 END) ${filled}, 0) AS l${i}`;
  });
  const [sh] = await queryRows<Record<string, number>>(conn, `SELECT ${shares.join(', ')} FROM ${universe}`);
  const holders = others.filter((_, i) => Number(sh[`c${i}`]) >= MIN_CODE_SHARE).map((x) => x.name);
  const currencyLike = others.filter((_, i) => Number(sh[`l${i}`]) >= MIN_LIKE_SHARE || Number(sh[`c${i}`]) >= MIN_CODE_SHARE).map((x) => x.name);
  return { holder: holders[0] ?? null, currencyLike };
}

export async function currencyOfRow(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string, ref: ReferenceTables, cols: CurrencyColumns): Promise<RowStrategyResult | null> {
  const d = contract.columns.find((c) => c.name === cluster.column);
  // Whole-unit currencies in an integer column would need the fraction judged too: numbers only.
  if (!d || d.logicalType !== 'number') return null;
  if (!(cluster.reasons ?? [cluster.reason]).includes('TYPE_MISMATCH')) return null;
  if (!cols.holder) return null;
  const markers = currencyMarkers(ref);
  const codes = [...new Set([...markers.values()].flat())];
  const codeList = `[${codes.map(sqlString).join(', ')}]`;
  const x = contract.columns.find((c) => c.name === cols.holder)!;
  const xv = `upper(trim(${sqlIdent(x.name)}))`;
  const present = await queryRows<{ code: string }>(conn, `SELECT DISTINCT ${xv} AS code FROM ${universe} WHERE list_contains(${codeList}, ${xv}) ORDER BY 1`);
  const here = new Set(present.map((p) => p.code));
  // Only the markers of currencies this column holds: the rule stays short enough to read.
  const whens = [...markers.entries()].filter(([, cs]) => cs.some((c) => here.has(c))).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, cs]) => `WHEN ${sqlString(t)} THEN ${sqlString(`|${cs.join('|')}|`)}`);
  if (whens.length === 0) return null;

  const s = sqlStrip(sqlIdent(d.name));
  const part = (g: number) => `regexp_extract(${s}, ${sqlString(SHAPE)}, ${g})`;
  const marker = `upper(${part(1)} || ${part(4)})`;
  const num = `(${part(2)} || ${part(3)})`;
  const markerCodes = `coalesce(CASE ${marker} ${whens.join(' ')} END, '')`;
  // Every other column naming a currency on the row must name the marker's: its spelling read as
  // a code where the spelling means one currency of those present; any other spelling disagrees.
  const single = new Map<string, string>();
  for (const e of ref.currency.entities) {
    if (!here.has(e.forms.code)) continue;
    for (const t of [...Object.values(e.forms), ...e.aliases]) {
      const k = t.toUpperCase();
      single.set(k, single.has(k) && single.get(k) !== e.forms.code ? '' : e.forms.code);
    }
  }
  const spellings = [...single.entries()].filter(([, c]) => c !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const spellList = `[${currencySpellings(ref).map(sqlString).join(', ')}]`;
  const witnesses = cols.currencyLike.filter((c) => c !== x.name).map((c) => {
    const cv = `upper(trim(${sqlIdent(c)}))`;
    const code = `CASE ${cv} ${spellings.map(([t, k]) => `WHEN ${sqlString(t)} THEN ${sqlString(k)}`).join(' ')} END`;
    return ` AND coalesce(${sqlIdent(c)} IS NULL OR trim(${sqlIdent(c)}) = '' OR NOT list_contains(${spellList}, ${cv}) OR contains(${markerCodes}, '|' || ${code} || '|'), false)`;
  });
  const agrees = `contains(${markerCodes}, '|' || ${xv} || '|')${witnesses.join('')}`;
  const value = canonicalNumberSql(num);
  const where = `${agrees} AND (${value}) IS NOT NULL`;
  const [h] = await queryRows<{ n: number; hit: number }>(conn, `SELECT count(*) AS n, coalesce(sum(CASE WHEN ${where} THEN 1 ELSE 0 END), 0) AS hit FROM ${clusterRows}`);
  const n = Number(h.n), hit = Number(h.hit);
  if (n === 0 || hit / n < MIN_CLUSTER_SHARE) return null;
  return {
    set: { [d.name]: value },
    where,
    confidence: Math.min(0.95, 0.8 + 0.15 * (hit / n)),
    reasoning: `${hit} of these ${n} values of ${d.name} carry the currency that ${x.name} names on the same row (such as 'EUR 12,50' on a EUR row): the rule keeps the bare number, reading ',' as the decimal mark only where the value proves it (two final digits after a comma, or '.' grouping thousands). A currency that disagrees with ${x.name}, or separators that read two ways, are left as they are.`,
    patternType: 'currency',
    strategy: 'currency-of-row',
  };
}
