// The typo search's shape filter, made fast (one pass, decided once per class choice), says
// exactly what the two regular expressions said, string for string: random strings of digits,
// ASCII and other letters (astral ones too), digits of other scripts, marks and symbols; and the
// generators yield exactly the strings that generating everything and filtering by shape gave.
import { describe, expect, it } from 'vitest';
import { shapeOf } from '../../main/remediate/synth/common.js';
import { completions, oneSubstitution } from '../../main/remediate/synth/patternTypo.js';
import { seeded } from '../helpers/seeded.js';

const regexShape = (s: string) => s.replace(/\d+/g, '9').replace(/\p{L}+/gu, 'a');
const POOL = [...'0123456789abcXYZ-_. @%/', 'é', 'ß', 'Ж', '٣', '𝐀', '𝟘', '\u0301', '\t', 'x', 'X', '9', 'a'];

function randomString(r: { int(a: number, b: number): number }, max: number): string {
  let s = '';
  const n = r.int(0, max);
  for (let i = 0; i < n; i++) s += POOL[r.int(0, POOL.length - 1)];
  return s;
}

function* allSubstitutions(v: string, alphabet: string[]): Generator<string> {
  const chars = [...v];
  for (let p = 0; p < chars.length; p++) {
    const orig = chars[p];
    for (const c of alphabet) {
      if (c === orig) continue;
      chars[p] = c;
      yield chars.join('');
    }
    chars[p] = orig;
  }
}

function* allCompletions(v: string, positions: number[], alphabet: string[]): Generator<string> {
  const chars = [...v];
  function* walk(i: number): Generator<string> {
    if (i === positions.length) { yield chars.join(''); return; }
    const p = positions[i], orig = chars[p];
    for (const c of alphabet.includes(orig) ? alphabet : [orig, ...alphabet]) {
      chars[p] = c;
      yield* walk(i + 1);
    }
    chars[p] = orig;
  }
  yield* walk(0);
}

describe('shape filter of the typo search', () => {
  it('shapeOf is the two regular expressions, on 20,000 random strings', () => {
    const r = seeded(20261204);
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(r, 14);
      expect(shapeOf(s), JSON.stringify(s)).toBe(regexShape(s));
    }
  });

  it('the generators yield what generating everything and filtering by shape yields, in order', () => {
    const r = seeded(7);
    for (let i = 0; i < 300; i++) {
      const v = randomString(r, 8);
      const alphabet = [...new Set(Array.from({ length: r.int(1, 12) }, () => POOL[r.int(0, POOL.length - 1)]))];
      const valid = Array.from({ length: r.int(0, 5) }, () => randomString(r, 8));
      const shapes = new Set(valid.map(regexShape));
      const keep = (s: string) => shapes.size === 0 || shapes.has(regexShape(s));
      expect([...oneSubstitution(v, alphabet, keep)]).toEqual([...allSubstitutions(v, alphabet)].filter(keep));
      const chars = [...v];
      const positions = chars.flatMap((_, p) => (r.int(0, 3) === 0 ? [p] : [])).slice(0, 3);
      expect([...completions(v, positions, alphabet, keep)]).toEqual([...allCompletions(v, positions, alphabet)].filter(keep));
    }
  });
});
