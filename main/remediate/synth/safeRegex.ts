// Contract patterns are untrusted input, and a backtracking engine can take exponential time on
// them (`(a+)+b`, `((a+))+b`, `(x|x)*y`...). The strategies therefore run a contract pattern on
// V8's linear-time engine (the `l` flag: an automaton, like RE2, which DuckDB uses for the checks
// themselves). That engine unrolls counted repetition and refuses counts over 16 (`[A-Z]{2,30}`);
// such a pattern runs on the ordinary engine only when it has no repeated group that holds a
// quantifier or an alternation at any depth (the shapes that make backtracking exponential).
// Anything else gets no JavaScript matcher, and the strategies that need one propose nothing.
import { setFlagsFromString } from 'node:v8';

// The linear engine sits behind a V8 flag in Node 20; the flag only enables the `l` flag.
setFlagsFromString('--enable-experimental-regexp-engine');

/**
 * True when some repeated group (`(...)+`, `(...)*`, `(...){2,}`, `(...){1,5}`) contains, at any
 * depth, a quantifier or an alternation; back-references count as risky too. Character classes
 * and escapes are skipped, so `[(+]` or `\(` are not groups.
 */
export function nestedQuantifierRisk(pattern: string): boolean {
  // One frame per open group: does its body hold a quantifier or an alternation?
  const stack: boolean[] = [false];
  let i = 0;
  const repeatsAt = (j: number): { repeats: boolean; quant: boolean } => {
    const c = pattern[j];
    if (c === '+' || c === '*') return { repeats: true, quant: true };
    if (c === '?') return { repeats: false, quant: true };
    if (c === '{') {
      const m = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(j));
      if (!m) return { repeats: false, quant: false };
      const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
      return { repeats: max > 1, quant: true };
    }
    return { repeats: false, quant: false };
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return true;
      i += 2;
      continue;
    }
    if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      i++;
      // `(?:`, `(?P<n>`, `(?i)`: the `?` opens a group kind, it is not a quantifier.
      if (pattern[i] === '?') i++;
      continue;
    }
    if (c === ')') {
      const inner = stack.length > 1 ? stack.pop()! : false;
      const q = repeatsAt(i + 1);
      if (q.repeats && inner) return true;
      // The parent's body now holds this group: a quantified group or one with quantifiers inside.
      stack[stack.length - 1] ||= inner || q.quant;
      i++;
      continue;
    }
    if (c === '|') stack[stack.length - 1] = true;
    else if (repeatsAt(i).quant) stack[stack.length - 1] = true;
    i++;
  }
  return false;
}

/** A RegExp for a contract pattern that cannot run for exponential time, or null. */
export function safeRegExp(source: string, flags = ''): RegExp | null {
  try {
    return new RegExp(source, `${flags}l`);
  } catch {
    // Not runnable in linear time (large counts, look-arounds, back-references, bad syntax).
  }
  if (nestedQuantifierRisk(source)) return null;
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/**
 * A full-match tester for a contract pattern on the linear-time engine, or null when that engine
 * cannot compile it. Only for reading a pattern's structure: no strategy judges a value with it
 * (the judge runs the pattern in DuckDB, as validation does).
 */
export function fullMatcher(pattern: string): ((s: string) => boolean) | null {
  const re = safeRegExp(`^(?:${pattern})$`);
  return re ? (s) => re.test(s) : null;
}
