// Where a pii column's value can appear in a bundle, and how it is found. A value can be a whole
// string (a cluster sample, a cell's old value) of any length: 'Wu' is a surname. Inside longer
// text (a rule's SQL, a reasoning) a value is looked for as a whole word when it is distinctive:
// it holds a letter, or it is a long digit run (a phone, a card). A short number ('3', '34') is not
// looked for inside text, where it would match every count and id; and numbers in the JSON are
// numbers, not text, so a row count never reads as a pii value.
import { ValueScrubber } from './pii.js';

const WORD_CHAR = /[\p{L}\p{N}]/u;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when a value is looked for inside longer text, not only as a whole string. */
export function isDistinctive(value: string): boolean {
  const v = value.trim();
  if (v.length < 2) return false;
  if (/\p{L}/u.test(v)) return true;
  return v.replace(/\D/g, '').length >= 7;
}

export interface PiiFinder {
  /** the text with every known value replaced by its token */
  scrub(text: string): string;
  /** the first known value the text holds in clear, or null */
  find(text: string): string | null;
}

/** `values` maps each clear value to its token. */
export function createPiiFinder(values: ReadonlyMap<string, string>): PiiFinder {
  const distinctive = [...values].filter(([v]) => isDistinctive(v));
  // Values of three characters and more: the scrubber's prefix index (SQL-quoted forms too).
  const long = new ValueScrubber(distinctive.filter(([v]) => v.length >= 3));
  // Two-character values ('Wu', 'Ng'): a whole-word pattern.
  const short = new Map(distinctive.filter(([v]) => v.length === 2));
  const shortRe = short.size > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...short.keys()].map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`, 'gu') : null;
  const scrub = (text: string): string => {
    const whole = values.get(text);
    if (whole !== undefined) return whole;
    const known = long.replaceKnown(text);
    return shortRe ? known.replace(shortRe, (m) => short.get(m) ?? m) : known;
  };
  return {
    scrub,
    find(text) {
      if (values.has(text)) return text;
      if (scrub(text) === text) return null;
      // Name the value (for the message) without a second index: the first one that changes the text.
      for (const [v] of distinctive) {
        const at = text.indexOf(v);
        if (at >= 0 && !WORD_CHAR.test(text[at - 1] ?? '') && !WORD_CHAR.test(text[at + v.length] ?? '')) return v;
      }
      return '(a pii value)';
    },
  };
}

/** Every string (keys too) inside plain JSON data. */
export function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  }
  return out;
}
