// C2: a contract pattern must never make a strategy hang. Hundreds of generated "evil" patterns
// (nested quantifiers at any depth, quantified alternations, large counts) run through the
// strategies' own pattern code in a child process that must finish within a generous time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullMatcher, nestedQuantifierRisk, safeRegExp } from '../../main/remediate/synth/safeRegex.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';

const DRIVER = join(import.meta.dirname, 'helpers', 'evilPatternDriver.ts');

function evilPatterns(seed: number, n: number): string[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const atoms = ['a', '[ab]', '\\w', '.', '[a-z]', 'a?a'];
  const inner = ['+', '*', '{1,}', '{2,40}', '+?'];
  const outer = ['+', '*', '{2,}', '{1,30}', '{3,}'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let body = `${pick(atoms)}${pick(inner)}`;
    if (rand() < 0.3) body = `${body}|${pick(atoms)}`;
    // Wrap in 1..3 groups, the innermost quantified group nested anywhere inside.
    const depth = 1 + Math.floor(rand() * 3);
    for (let d = 0; d < depth; d++) body = `${pick(['(', '(?:'])}${body})${d === depth - 1 || rand() < 0.3 ? pick(outer) : ''}`;
    out.push(`${rand() < 0.5 ? '' : pick(atoms)}${body}${pick(['b', '$', 'c+d'])}`);
  }
  return out;
}

describe('contract patterns never backtrack exponentially (C2)', () => {
  it('the reported pattern and its relatives get no risky matcher', () => {
    for (const p of ['((a+))+b', '(a+)+b', '((a|aa))+b', '(?:(?:a*))*b', '(([a-z]{1,20}){2,})b', '(x+x+)+y']) {
      const re = safeRegExp(`^(?:${p})$`);
      if (re) expect(re.flags, p).toContain('l');
    }
  });

  it('240 generated evil patterns run through the strategies without hanging', () => {
    const patterns = [...evilPatterns(1, 120), ...evilPatterns(2, 120)];
    const r = spawnSync(process.execPath, ['--import', 'tsx', DRIVER], { input: JSON.stringify(patterns), timeout: 60_000, encoding: 'utf8' });
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(r.stdout).done).toBe(patterns.length);
  }, 90_000);

  it('the detector flags repeated groups holding a quantifier or alternation at any depth', () => {
    for (const p of ['((a+))+b', '(((a*)))*', '(a|b)+', '((?:x|y){2})*', '(a{2,})+', '(a?)+', '(\\w+\\s?)*$', '(a)\\1']) expect(nestedQuantifierRisk(p), p).toBe(true);
    for (const p of ['(\\d{1,3}%|empty)', '[a-z]+-[a-z0-9]+(-[a-z0-9]+)?', '[(+]+', '\\(a+\\)+', '(ab){3}', '[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}', '(?:abc)+']) {
      expect(nestedQuantifierRisk(p), p).toBe(false);
    }
  });

  it('ordinary contract patterns still get a matcher (large counts included)', () => {
    const cases: Array<[string, string, boolean]> = [
      ['(\\d{1,3}%|empty)', '95%', true], ['[^@]+@[^@]+\\.[a-z]+', 'a@b.com', true], ['[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}', 'DE44500105175407324931', true],
      ['\\d{5}', '1234', false], ['[a-z]{2}_[a-z]+-[a-z0-9]+(-[a-z0-9]+)?', 'al_ami-1', true],
    ];
    for (const [p, v, ok] of cases) {
      const m = fullMatcher(p);
      expect(m, p).not.toBeNull();
      expect(m!(v), `${p} ${v}`).toBe(ok);
    }
  });
});
