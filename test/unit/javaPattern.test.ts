// The RE2-to-Java rewrite on its own (no Spark): what it writes for the differences it knows, and
// what it refuses. test/integration/sparkPatternTranslation.test.ts proves the answers in Spark.
import { describe, expect, it } from 'vitest';
import { firstMatchOnly, javaPattern, javaReplacement } from '../../main/export/dbt/javaPattern.js';

const ok = (p: string, full = false) => {
  const r = javaPattern(p, full);
  if (!r.ok) throw new Error(r.reason);
  return r.pattern;
};

describe('javaPattern', () => {
  it("writes RE2's meaning where Java's differs: `.` stops at \\n only, `$` is the end, \\s has no vertical tab", () => {
    expect(ok('.')).toBe('[^\\x{A}]');
    expect(ok('a$')).toBe('a\\z');
    expect(ok('\\s')).toBe('[\\x{9}\\x{A}\\x{C}\\x{D}\\x{20}]');
    expect(ok('\\d\\w')).toBe('[0-9][0-9A-Za-z_]');
  });

  it('anchors a full match and escapes every character that is not an ASCII letter or digit', () => {
    expect(ok('a&&b', true)).toBe('^(?:a\\x{26}\\x{26}b)\\z');
    expect(ok('[a&&b]')).toBe('[a\\x{26}\\x{26}b]');
    expect(ok('é{2}')).toBe('\\x{E9}{2}');
    expect(ok('(ab){2}')).toBe('(?:(ab)){2}');
    expect(ok('a{,5}')).toBe('a\\x{7B}\\x{2C}5\\x{7D}');
  });

  it('refuses, naming it, what a JavaScript parse would misread or Java cannot say', () => {
    for (const [p, named] of [
      ['[[:alpha:]]', "'['"], ['\\pL', '\\p'], ['\\z', '\\z'], ['\\Qa\\E', '\\Q'], ['\\x{41}', '\\x'], ['\\bword', 'boundary'],
      ['(a)\\1', 'back-reference'], ['a\\1', '\\1'], ['[\\S]', '\\S inside a class'], ['😀', 'Basic Multilingual Plane'],
      ['[]a]', "']'"], ['\\d{05}', 'count'], ['a{1,02}', 'count'], ['a{1000000000}', 'count'], ['(a|)*', 'repeated group'],
      ['(a*)+b', 'repeated group'], ['a$b', 'anchor $ inside'], ['a^b', 'anchor ^ inside'], ['(?:a$)b', 'anchor $ inside'], ['(?=a)', 'look-around'], ['(?i)a', 'outside the syntax'], ['[\\b]', '\\b inside a class'],
    ] as const) {
      const r = javaPattern(p, true);
      expect(r, p).toMatchObject({ ok: false });
      if (!r.ok) expect(r.reason, p).toContain(named);
    }
  });

  it('counts groups and knows a pattern that can match nothing', () => {
    expect(javaPattern('(a)(?:b)((c)d)', false)).toMatchObject({ ok: true, groups: 3, empty: false });
    for (const p of ['a*', '^', 'a|', '(b?)', '(?:)', 'x{0,2}$']) expect(javaPattern(p, false), p).toMatchObject({ ok: true, empty: true });
  });

  it('writes RE2 replacements for Java: groups as $n, literal digits, $ and backslashes quoted', () => {
    expect(javaReplacement('\\1\\0$x\\\\7', 1, 0, 0)).toEqual({ ok: true, replacement: '$1$0\\$x\\\\\\7' });
    expect(javaReplacement('\\2', 1, 0, 0)).toMatchObject({ ok: false });
    expect(javaReplacement('a\\', 0, 0, 0)).toMatchObject({ ok: false });
    expect(javaReplacement('\\q', 0, 0, 0)).toMatchObject({ ok: false });
    // one match only: the text before it is group 1, the match group 2, the pattern's groups after
    expect(firstMatchOnly('(a)', 1, '<\\1\\0>')).toEqual({ pattern: '^((?s:.)*?)((a))', replacement: { ok: true, replacement: '$1<$3$2>' } });
  });
});
