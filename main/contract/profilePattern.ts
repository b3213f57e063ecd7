// Turns a column's character-class shapes (counted by DuckDB, see profileStats.columnShapes) into
// a regular expression that covers at least `coverage` of its values, generalising only as far as
// needed: first exact class runs ('9{5}' -> \d{5}), then letters-and-digits segments between
// punctuation ('scip-inf-2' -> [a-z0-9]+-[a-z0-9]+-[a-z0-9]+). Shapes that extend one another are
// merged with optional tails; otherwise up to three alternatives are joined with '|'.
import type { ShapeCount } from './profileStats.js';

type Cls = '9' | 'a' | 'A';

interface Tok {
  /** skeleton key: the class set for runs, '=' + text for literals */
  key: string;
  classes: Set<Cls>;
  text?: string;
  min: number;
  max: number;
}

interface Group {
  toks: Tok[];
  count: number;
  distinct: number;
  example: string;
}

const MAX_ALTERNATIVES = 3;
const MAX_CHAIN = 4;
/**
 * A shape rarer than this is not part of the pattern: a convention of the column is held by a
 * sizeable share of its values, while each kind of dirt (a typo, a value swapped in from another
 * column, another phone format) is a few percent at most, and is left to be a violation.
 */
export const MIN_GROUP_SHARE = 0.03;

/** Human-readable form of a shape for the app: ['a2', '=_', '95'] -> 'a{2}_9{5}'. */
export function shapeText(runs: string[]): string {
  return runs.map((r) => (r[0] === '=' ? r.slice(1) : Number(r.slice(1)) > 1 ? `${r[0]}{${r.slice(1)}}` : r[0])).join('');
}

function runTokens(runs: string[]): Tok[] {
  return runs.map((r) => {
    if (r[0] === '=') return { key: r, classes: new Set<Cls>(), text: r.slice(1), min: 1, max: 1 };
    const n = Number(r.slice(1));
    return { key: r[0], classes: new Set<Cls>([r[0] as Cls]), min: n, max: n };
  });
}

/** Adjacent class runs merged into one letters-and-digits segment; literals stay. */
function segmentTokens(runs: string[]): Tok[] {
  const out: Tok[] = [];
  for (const t of runTokens(runs)) {
    const last = out[out.length - 1];
    if (t.text === undefined && last && last.text === undefined) {
      t.classes.forEach((c) => last.classes.add(c));
      last.min += t.min;
      last.max += t.max;
    } else {
      out.push(t.text === undefined ? { ...t, key: 'S', classes: new Set(t.classes) } : t);
    }
  }
  return out;
}

function groupShapes(shapes: ShapeCount[], tokenise: (runs: string[]) => Tok[]): Group[] {
  const groups = new Map<string, Group>();
  for (const s of shapes) {
    const toks = tokenise(s.runs);
    const key = toks.map((t) => t.key).join('\u0001');
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { toks, count: s.count, distinct: s.distinct, example: s.example });
      continue;
    }
    g.count += s.count;
    g.distinct += s.distinct;
    g.toks.forEach((t, i) => mergeTok(t, toks[i]));
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function mergeTok(into: Tok, from: Tok): void {
  from.classes.forEach((c) => into.classes.add(c));
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
}

function classRegex(classes: Set<Cls>): string {
  if (classes.size === 1 && classes.has('9')) return '\\d';
  const parts = [classes.has('A') ? 'A-Z' : '', classes.has('a') ? 'a-z' : '', classes.has('9') ? '0-9' : ''];
  return `[${parts.join('')}]`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function tokRegex(t: Tok): string {
  if (t.text !== undefined) return escapeRegex(t.text);
  // Run lengths that vary in the data are generalised to '+': a length range read off a sample
  // would reject the next, slightly longer value.
  const q = t.min !== t.max ? '+' : t.min === 1 ? '' : `{${t.min}}`;
  return classRegex(t.classes) + q;
}

function groupRegex(g: Group): string {
  // A shape held by one value only ('empty', 'N/A') is that value, not its shape.
  if (g.distinct === 1) return escapeRegex(g.example);
  return g.toks.map(tokRegex).join('');
}

/**
 * A pattern says something only if it pins down digits, punctuation, a literal value or every
 * run's length: '[a-z]+( [a-z]+)?' over city names would only reject valid new names.
 */
function informativeGroup(g: Group): boolean {
  return g.distinct === 1
    || g.toks.some((t) => (t.text !== undefined && t.text.trim() !== '') || t.classes.has('9'))
    || g.toks.every((t) => t.text !== undefined || t.min === t.max);
}

function informative(groups: Group[], every = false): boolean {
  return every ? groups.length > 0 && groups.every(informativeGroup) : groups.some(informativeGroup);
}

function isPrefix(short: Tok[], long: Tok[]): boolean {
  return short.length < long.length && short.every((t, i) => t.key === long[i].key);
}

/** Shapes that each extend the previous one become one pattern with nested optional tails. */
function chainRegex(groups: Group[]): string | undefined {
  const sorted = [...groups].sort((a, b) => a.toks.length - b.toks.length);
  for (let i = 1; i < sorted.length; i++) if (!isPrefix(sorted[i - 1].toks, sorted[i].toks)) return undefined;
  const longest = sorted[sorted.length - 1].toks.map((t) => ({ ...t, classes: new Set(t.classes) }));
  for (const g of sorted.slice(0, -1)) g.toks.forEach((t, i) => mergeTok(longest[i], t));
  let re = '';
  for (let i = sorted.length - 1; i >= 0; i--) {
    const from = i === 0 ? 0 : sorted[i - 1].toks.length;
    const part = longest.slice(from, sorted[i].toks.length).map(tokRegex).join('');
    re = i === 0 ? part + re : `(${part}${re})?`;
  }
  return re;
}

interface Candidate {
  regex: string;
  groups: number;
}

function fromGroups(groups: Group[], total: number, coverage: number, minimum: number, minShare: number, all: ShapeCount[], strict: boolean): Candidate | undefined {
  const chosen: Group[] = [];
  let covered = 0;
  for (const g of groups) {
    if (covered >= coverage * total || g.count < minShare * total) break;
    chosen.push(g);
    covered += g.count;
  }
  if (!informative(chosen, strict)) return undefined;
  // Letters-and-digits segments split on spaces are words: a word count is not a rule.
  if (chosen.some((g) => g.toks.some((t) => t.key === 'S')) && chosen.some((g) => g.toks.some((t) => t.text !== undefined && /\s/.test(t.text)))) return undefined;
  let regex: string | undefined;
  if (chosen.length === 1) regex = groupRegex(chosen[0]);
  else if (chosen.length <= MAX_CHAIN && chosen.every((g) => g.distinct > 1)) regex = chainRegex(chosen);
  if (!regex && chosen.length > 1 && chosen.length <= MAX_ALTERNATIVES) regex = `(${chosen.map(groupRegex).join('|')})`;
  if (!regex) return undefined;
  // What the pattern covers is every shape it accepts, the rare ones left out of its making too.
  if (Math.max(covered, coveredBy(regex, all)) < minimum * total) return undefined;
  return { regex, groups: chosen.length };
}

/** Values of the shapes whose example the regex accepts: all of a shape's values share its runs and literals. */
function coveredBy(regex: string, shapes: ShapeCount[]): number {
  const re = new RegExp(`^(?:${regex})$`);
  return shapes.reduce((n, s) => n + (re.test(s.example) ? s.count : 0), 0);
}

/** `strict`: every shape group must say something on its own (see patternFromShapes). */
function fromShapes(use: ShapeCount[], all: ShapeCount[], total: number, coverage: number, minimum: number, minShare: number, strict = false): string | undefined {
  const exact = fromGroups(groupShapes(use, runTokens), total, coverage, minimum, minShare, all, strict);
  if (exact?.groups === 1) return exact.regex;
  const segments = fromGroups(groupShapes(use, segmentTokens), total, coverage, minimum, minShare, all, strict);
  if (!exact) return segments?.regex;
  return segments && segments.groups < exact.groups ? segments.regex : exact.regex;
}

/**
 * A regex (full match, RE2 and JavaScript compatible) covering up to `coverage` of `total`
 * non-empty values with common shapes, and at least `minimum` of them, from the column's most frequent shapes; undefined when none is both simple
 * and informative. Of the exact-run and the segment generalisations, the one needing fewer
 * shapes wins (the exact one on a tie). The caller re-checks the coverage in SQL, since
 * `shapes` may be a top-k.
 */
export function patternFromShapes(all: ShapeCount[], total: number, coverage: number, minimum = coverage, minShare = MIN_GROUP_SHARE): string | undefined {
  // A shape most of whose values the column also holds in another case, in a far more common
  // shape ('Aa1234' where 'AA1234' is the form), is those values' case variants: dirt, however
  // common, and it must not widen the pattern ([A-Z]{2}\d+ into [A-Za-z0-9]+). Conventions of
  // their own ('kB' beside 'MB', 'Trp53' beside 'TP53') are different words in any case and stay.
  const shapes = all.filter((s) => !((s.caseTwins ?? 0) > 0.5 * s.count));
  if (total === 0 || shapes.length === 0) return undefined;
  // Shapes rarer than minShare are dirt and must not shape the rule either: merged into the
  // dominant shape's group they would widen its run lengths ('FLORIDA' beside 2,200 two-letter
  // state codes, a zip with a digit dropped), and '[A-Z]{2}' would become '[A-Z]+', which says
  // nothing and is dropped. So the pattern is first made from the common shapes alone, and kept
  // when each of its parts pins something down (a width, a digit, punctuation: not a count of
  // words of any length); only when they make none are all the shapes merged, as before.
  const common = shapes.filter((s) => s.count >= minShare * total);
  if (common.length > 0 && common.length < shapes.length) {
    const strict = fromShapes(common, shapes, total, coverage, minimum, minShare, true);
    if (strict) return strict;
  }
  return fromShapes(shapes, shapes, total, coverage, minimum, minShare);
}
