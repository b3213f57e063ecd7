// One character written for another wherever it occurs (`cac-1` as `xax-1`, `po box 287` as
// `poxboxx287`, `heart failure` as `hearx failure`): a corruption applied to a character rather
// than to a position (a stuck key, an encoding slip, a scrubber), so its edits can be many while
// its cause is one. The dependency vote's tie-break reads such a pair of words as a misspelling;
// where the replacement merged two characters (the `x` of `box` and the spaces) it cannot be
// undone by one, which tells which value came first. Keys are not read this way: `ab-11` and
// `ab-22`, `2011` and `2022` are the same shape and different codes.
// The lambda parameters carry the reserved prefix, which no contract column may use.

/**
 * SQL: `b` is `a` with every occurrence of one character replaced by another. Read at the first
 * position where the two differ; the replacement must account for every difference and change
 * nothing else. Both arguments are SQL text expressions.
 */
export function oneCharacterReplacedSql(a: string, b: string): string {
  // the first differing position, bound once by a lambda (this text is repeated in larger queries)
  const at = `list_position(list_transform(range(1, length(${a}) + 1), _airlock_i -> substr(${a}, _airlock_i, 1) = substr(${b}, _airlock_i, 1)), false)`;
  return `coalesce(length(${a}) = length(${b}) AND ${a} <> ${b}
    AND list_transform([${at}], _airlock_p -> replace(${a}, substr(${a}, _airlock_p, 1), substr(${b}, _airlock_p, 1)) = ${b})[1], false)`;
}
