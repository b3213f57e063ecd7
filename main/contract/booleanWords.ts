// The words a flag column is written with. Systems that export a flag each have their own
// vocabulary for it ('yes'/'no', 'Y'/'N', 'true'/'false', 't'/'f', '1'/'0', 'on'/'off'); a column
// written in one of them whose minority uses another holds one value written several ways.

/** Two-valued vocabularies, as [true, false] spellings (folded: lower case, letters and digits). */
export const BOOLEAN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['yes', 'no'], ['y', 'n'], ['true', 'false'], ['t', 'f'], ['1', '0'], ['on', 'off'],
];

const TRUTH = new Map<string, boolean>(BOOLEAN_PAIRS.flatMap(([t, f]) => [[t, true], [f, false]] as Array<[string, boolean]>));

/** The truth value a folded word stands for, or undefined when it is no flag word. */
export function truthOf(foldedWord: string): boolean | undefined {
  return TRUTH.get(foldedWord);
}

/** Whether two folded words are the true and the false of one vocabulary. */
export function isBooleanPair(a: string, b: string): boolean {
  return BOOLEAN_PAIRS.some(([t, f]) => (a === t && b === f) || (a === f && b === t));
}

/**
 * The key a written value is looked up by as a flag word: case and surrounding spaces folded, and
 * nothing else. foldKey also drops signs and punctuation, which here carry meaning: '-1' (an
 * "unknown", or true in some systems), '!true' (false) and 'No?' are no spellings of '1', 'true', 'no'.
 */
export function flagKey(v: string): string {
  return v.normalize('NFKC').trim().toLowerCase();
}
