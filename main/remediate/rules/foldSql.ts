// The keys value maps and look-ups match on, computed in DuckDB only, for the table's values and
// for the map's own `from` side alike, so that a key never has a JavaScript twin to drift from.

/** Whitespace of every kind (RE2 class, as the synthesizer spells it). */
const WS = '[ \\t\\r\\n\u00a0]';

/** Lower case, edge whitespace stripped, inner runs squeezed to one space. */
export function foldSql(expr: string): string {
  return `lower(regexp_replace(regexp_replace(${expr}, '^${WS}+|${WS}+$', '', 'g'), '${WS}+', ' ', 'g'))`;
}

/** Reference key: accents and case aside, dots and whitespace removed ('U.S.A.' = 'usa'). */
export function referenceKeySql(expr: string): string {
  return `regexp_replace(lower(strip_accents(${expr})), '[.${WS.slice(1, -1)}]+', '', 'g')`;
}
