// A regular expression as DuckDB reads it (RE2) rewritten as a Java pattern (Spark's RLIKE) that
// matches exactly the same strings, or refused. The pattern is parsed by regjsparser (the parser
// Babel uses; JavaScript's syntax is RE2's on the subset accepted here) and written again from its
// tree, never edited as text. Where RE2 and Java differ the output says what RE2 means:
// - `.` is any character but a newline in RE2; Java also stops at \r, \u0085, \u2028, \u2029.
// - `$` is the end of the text in RE2; Java also matches before a final line terminator: `\z`.
// - `\s` is [\t\n\f\r ] in RE2; Java adds the vertical tab. `\d` and `\w` are ASCII in both, and
//   are written out as classes so no Java flag can widen them.
// - Every literal character that is not an ASCII letter or digit is written as `\x{hex}`, so no
//   character is a Java metacharacter (`&&` and `[` inside a class mean more in Java than in RE2).
// Refused, because a JavaScript parse of them is not what RE2 means or Java has no equal:
// escapes of letters and digits that are not \d \w \s \n \t \r \f \v (RE2's \z \A \C \Q \E \pN
// \x{..}), back-references, octal and control escapes, word boundaries, look-arounds, a `[` inside
// a class (RE2's [[:alpha:]] classes), characters outside the Basic Multilingual Plane, and a
// quantifier on an anchor.
import regjsparser, { type AstNode, type CharacterClassBody, type Value } from 'regjsparser';
import { DUCKDB_CASE } from './duckdbCaseTable.js';

// a CommonJS package: its functions are on the default export under Node's ES modules
const { parse } = regjsparser;

/** `empty`: the pattern can match the empty string (a global replace of it is not translated). */
export type JavaPattern = { ok: true; pattern: string; groups: number; empty: boolean } | { ok: false; reason: string };

class Unsupported extends Error {}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

const DIGIT = '0-9';
const WORD = '0-9A-Za-z_';
// RE2's \s: tab, newline, form feed, carriage return, space (no vertical tab)
const SPACE = '\\x{9}\\x{A}\\x{C}\\x{D}\\x{20}';

/** One character, written so that Java reads it as itself in or out of a class. */
function literalChar(codePoint: number): string {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) unsupported('a character outside the Basic Multilingual Plane (an emoji, say)');
  const c = String.fromCodePoint(codePoint);
  return /^[A-Za-z0-9]$/.test(c) ? c : `\\x{${codePoint.toString(16).toUpperCase()}}`;
}

/** A character of the pattern (a literal or an escape meaning one character). */
function valueChar(v: Value): string {
  switch (v.kind) {
    case 'symbol':
    case 'hexadecimalEscape':
      return literalChar(v.codePoint);
    case 'singleEscape':
      // \n \t \r \f \v mean the same in RE2; \b inside a class is a backspace only in JavaScript
      if (v.codePoint === 8) unsupported('\\b inside a class');
      return literalChar(v.codePoint);
    case 'identifier':
      // `\.` `\-` `\/`: the punctuation itself. A letter or digit after a backslash is an RE2
      // escape JavaScript does not know (\z, \A, \pL, \x{41}, \Q): not the same pattern.
      if (/^[A-Za-z0-9]$/.test(String.fromCodePoint(v.codePoint))) unsupported(`the escape ${v.raw}`);
      return literalChar(v.codePoint);
    default:
      return unsupported(`the escape ${v.raw}`);
  }
}

function classEscape(value: string, inClass: boolean): string {
  const set = value.toLowerCase() === 'd' ? DIGIT : value.toLowerCase() === 'w' ? WORD : SPACE;
  const negative = value !== value.toLowerCase();
  if (!inClass) return `[${negative ? '^' : ''}${set}]`;
  if (negative) unsupported(`\\${value} inside a class`);
  return set;
}

function classItem(item: CharacterClassBody): string {
  switch (item.type) {
    case 'value':
      // an escaped `\[` is the bracket itself; a bare one may open RE2's [[:alpha:]]
      if (item.codePoint === 0x5b && item.kind !== 'identifier') unsupported("a '[' inside a class (RE2 reads [[:alpha:]] as a named class)");
      return valueChar(item);
    case 'characterClassRange':
      return `${classItem(item.min)}-${classItem(item.max)}`;
    case 'characterClassEscape':
      return classEscape(item.value, true);
    default:
      return unsupported(`the class item ${item.raw}`);
  }
}

function quantifierSuffix(min: number, max: number | undefined, greedy: boolean): string {
  const base = max === min ? `{${min}}` : max === undefined ? `{${min},}` : `{${min},${max}}`;
  return greedy ? base : `${base}?`;
}

/** The anchors at the ends of the pattern's top-level alternatives (`^a|b$`), the only ones translated. */
function findEdgeAnchors(tree: AstNode): Set<AstNode> {
  const out = new Set<AstNode>();
  const alternatives = tree.type === 'disjunction' ? tree.body : [tree];
  for (const alt of alternatives) {
    const items = alt.type === 'alternative' ? alt.body : [alt];
    const first = items[0];
    const last = items[items.length - 1];
    if (first?.type === 'anchor' && first.kind === 'start') out.add(first);
    if (last?.type === 'anchor' && last.kind === 'end') out.add(last);
  }
  return out;
}

/**
 * RE2's case-insensitive option (DuckDB's 'i') folds each letter to its Unicode case orbit: for
 * ASCII letters that is both cases, and also the Kelvin sign for k and the long s for s. Under the
 * option every letter and class is written out as the set it matches, and Java runs without its own
 * case flags (which fold otherwise). Letters outside ASCII, and ranges there, are refused under the option.
 */
let folding = false;

function orbit(codePoint: number): number[] {
  const c = String.fromCodePoint(codePoint);
  if (!/^[A-Za-z]$/.test(c)) return [codePoint];
  const lower = c.toLowerCase().codePointAt(0)!;
  const both = [lower, c.toUpperCase().codePointAt(0)!];
  if (lower === 0x6b) both.push(0x212a);
  if (lower === 0x73) both.push(0x17f);
  return both;
}

let cased: Set<number> | null = null;

/** Whether a character outside ASCII has a case (DuckDB maps it, or maps another to it) or is a letter or mark. */
function hasCase(codePoint: number): boolean {
  cased ??= new Set(DUCKDB_CASE.flat());
  return cased.has(codePoint) || /[\p{L}\p{M}]/u.test(String.fromCodePoint(codePoint));
}

/** Under the option: an ASCII character, or one outside ASCII with no case to fold (a space, a symbol). */
function caseless(codePoint: number): number {
  if (codePoint > 0x7f && hasCase(codePoint)) unsupported('a letter outside ASCII under the case-insensitive option');
  return codePoint;
}

function asciiOnly(codePoint: number): number {
  if (codePoint > 0x7f) unsupported('a range outside ASCII under the case-insensitive option');
  return codePoint;
}

/** The code points a class item matches under the case-insensitive option. */
function foldedItem(item: CharacterClassBody, into: Set<number>): void {
  const add = (lo: number, hi: number): void => {
    if (lo === hi) return void orbit(caseless(lo)).forEach((o) => into.add(o));
    for (let c = asciiOnly(lo); c <= asciiOnly(hi); c++) for (const o of orbit(c)) into.add(o);
  };
  switch (item.type) {
    case 'value':
      classItem(item); // the same escapes (and a bare '[') are refused as without the option
      return add(item.codePoint, item.codePoint);
    case 'characterClassRange':
      classItem(item);
      return add(item.min.codePoint, item.max.codePoint);
    case 'characterClassEscape': {
      classEscape(item.value, true);
      const v = item.value.toLowerCase();
      if (v === 'd') add(0x30, 0x39);
      else if (v === 'w') {
        add(0x30, 0x39);
        add(0x41, 0x5a);
        add(0x61, 0x7a);
        add(0x5f, 0x5f);
      } else for (const c of [0x9, 0xa, 0xc, 0xd, 0x20]) add(c, c);
      return;
    }
    default:
      unsupported(`the class item ${item.raw}`);
  }
}

function writeSet(members: Set<number>, negative: boolean): string {
  return `[${negative ? '^' : ''}${[...members].sort((a, b) => a - b).map(literalChar).join('')}]`;
}

function write(node: AstNode, edges: ReadonlySet<AstNode>): string {
  const w = (n: AstNode): string => write(n, edges);
  switch (node.type) {
    case 'alternative':
      return node.body.map(w).join('');
    case 'disjunction':
      return node.body.map(w).join('|');
    case 'value':
      if (folding) {
        valueChar(node);
        const members = orbit(caseless(node.codePoint));
        return members.length === 1 ? valueChar(node) : writeSet(new Set(members), false);
      }
      return valueChar(node);
    case 'dot':
      return '[^\\x{A}]';
    case 'characterClassEscape':
      // under the option \w also holds the Kelvin sign and the long s (\W neither); \d and \s hold no letter
      if (folding && node.value.toLowerCase() === 'w') {
        const members = new Set<number>();
        foldedItem({ ...node, value: 'w' } as CharacterClassBody, members);
        return writeSet(members, node.value === 'W');
      }
      return classEscape(node.value, false);
    case 'characterClass':
      if (node.kind !== 'union') unsupported('a class with set operations');
      // RE2 has no empty class: in `[]a]` and `[^]a]` the first `]` is a member, not the end.
      if (node.body.length === 0) unsupported("a class opening with ']'");
      if (folding) {
        // RE2 folds the members, then negates
        const members = new Set<number>();
        for (const item of node.body) foldedItem(item, members);
        return writeSet(members, node.negative);
      }
      return `[${node.negative ? '^' : ''}${node.body.map(classItem).join('')}]`;
    case 'anchor':
      // DuckDB reads a pattern with an anchor inside it (`a$b`, `a^b`) as text to search for on a
      // column, not as RE2 would: only an anchor at an end of the pattern means the same in both.
      if (node.kind === 'boundary' || node.kind === 'not-boundary') unsupported(node.kind === 'boundary' ? 'the word boundary \\b' : 'the non-boundary \\B');
      if (!edges.has(node)) unsupported(`the anchor ${node.raw} inside the pattern`);
      return node.kind === 'start' ? '^' : '\\z';
    case 'group':
      if (node.behavior === 'normal') return `(${node.body.map(w).join('')})`;
      if (node.behavior === 'ignore') return `(?:${node.body.map(w).join('')})`;
      return unsupported('a look-around group');
    case 'quantifier': {
      const body = node.body[0];
      if (body.type === 'anchor') unsupported('a quantifier on an anchor');
      // RE2 refuses a repetition count over 1000 (DuckDB stops the statement); Java runs it
      if (node.min > 1000 || (node.max !== undefined && node.max > 1000)) unsupported('a repetition count over 1000 (RE2 refuses it)');
      // RE2 reads a count with a leading zero or of ten digits or more as literal text
      // (`\d{05}`, `a{1000000000}`); JavaScript and Java read a count. Short counts only.
      const count = /\{([0-9]*)(?:,([0-9]*))?\}\??$/.exec(node.raw);
      if (count && [count[1], count[2]].some((c) => c !== undefined && c !== '' && (c.length > 8 || (c.length > 1 && c.startsWith('0'))))) {
        unsupported(`the count in ${node.raw} (RE2 reads a count with a leading zero or of many digits as text)`);
      }
      // A group repeated by a loop that can end on an empty pass: Java then records the group as
      // empty, RE2 keeps the last pass that matched something (`(a|)*` on 'aa': '' against 'a').
      if ((node.max === undefined || node.max > 1) && capturingGroups(body) > 0 && matchesEmpty(body)) {
        unsupported(`the repeated group ${node.raw} that can match nothing (Java and RE2 remember different passes)`);
      }
      const suffix = quantifierSuffix(node.min, node.max, node.greedy);
      // One character or class repeats as it is: a group around it makes Java recurse once per
      // repetition, and a long text then overflows its stack (Spark's whole process ended).
      if (body.type === 'value' || body.type === 'dot' || body.type === 'characterClass' || body.type === 'characterClassEscape') return `${w(body)}${suffix}`;
      return `(?:${w(body)})${suffix}`;
    }
    case 'reference':
      return unsupported('a back-reference');
    default:
      return unsupported(`the construct ${node.raw}`);
  }
}

/** Whether the pattern can match the empty string (anchors are zero-width). */
function matchesEmpty(node: AstNode): boolean {
  switch (node.type) {
    case 'alternative':
      return node.body.every(matchesEmpty);
    case 'disjunction':
      return node.body.some(matchesEmpty);
    case 'group':
      return node.body.every(matchesEmpty);
    case 'quantifier':
      return node.min === 0 || matchesEmpty(node.body[0]);
    case 'anchor':
      return true;
    default:
      return false;
  }
}

function capturingGroups(node: AstNode): number {
  const own = node.type === 'group' && node.behavior === 'normal' ? 1 : 0;
  const kids = 'body' in node && Array.isArray(node.body) ? (node.body as AstNode[]) : [];
  return own + kids.reduce((n, k) => n + capturingGroups(k), 0);
}

/**
 * The Java pattern matching what the RE2 pattern matches, searched anywhere in the text (as
 * DuckDB's regexp_matches and Spark's RLIKE search) or, with `full`, only as the whole text (as
 * regexp_full_match). `caseInsensitive`: DuckDB's option 'i' (RE2's case folding), for ASCII patterns.
 */
export function javaPattern(re2: string, full: boolean, caseInsensitive = false): JavaPattern {
  folding = caseInsensitive;
  let tree: AstNode;
  try {
    tree = parse(re2, '');
  } catch (e) {
    return { ok: false, reason: `the pattern '${re2}' is outside the syntax translated to Java (${(e as Error).message.split('\n')[0]})` };
  }
  try {
    const body = write(tree, findEdgeAnchors(tree));
    return { ok: true, pattern: full ? `^(?:${body})\\z` : body, groups: capturingGroups(tree), empty: matchesEmpty(tree) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: `the pattern '${re2}' uses ${e.message}, which has no exact Java translation here` };
    throw e;
  }
}

export type JavaReplacement = { ok: true; replacement: string } | { ok: false; reason: string };

/**
 * An RE2 rewrite string (DuckDB's regexp_replace: \0 to \9 name the match and its groups, a
 * doubled backslash is a backslash) as a Java replacement ($n names a group, a backslash quotes
 * the next character). `whole` is the Java group holding RE2's whole match, `shift` what the
 * pattern's own groups moved by (groups the caller put in front). Every literal digit, `$` and
 * backslash is quoted, so group 1 followed by a literal 0 never reads as group 10.
 */
export function javaReplacement(rewrite: string, groups: number, whole: number, shift: number): JavaReplacement {
  let out = '';
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i]!;
    if (c !== '\\') {
      out += /[0-9$\\]/.test(c) ? `\\${c}` : c;
      continue;
    }
    const next = rewrite[++i];
    if (next === '\\') out += '\\\\';
    else if (next === '0') out += `$${whole}`;
    else if (next !== undefined && /[1-9]/.test(next) && Number(next) <= groups) out += `$${Number(next) + shift}`;
    else return { ok: false, reason: `the replacement '${rewrite}' holds \\${next ?? ''}, which RE2 does not read as a group of the pattern or a backslash` };
  }
  return { ok: true, replacement: out };
}

/**
 * Java pattern and replacement that replace only the first match, as DuckDB's regexp_replace
 * without 'g' does (Spark's replaces every match): the text before the leftmost match is group 1,
 * the match group 2, and `^` lets the pattern match once. RE2 and Java both prefer the leftmost
 * match, and at one position the same alternative (leftmost-first, as Perl).
 */
export function firstMatchOnly(pattern: string, groups: number, rewrite: string): { pattern: string; replacement: JavaReplacement } {
  const replacement = javaReplacement(rewrite, groups, 2, 2);
  return {
    pattern: `^((?s:.)*?)(${pattern})`,
    replacement: replacement.ok ? { ok: true, replacement: `$1${replacement.replacement}` } : replacement,
  };
}
