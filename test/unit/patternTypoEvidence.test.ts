// B5: a pattern-typo repair needs evidence. Valid-looking but incomplete values (an e-mail with
// no top-level domain, whose letters include an 'x') must never be "repaired" into a value whose
// new parts occur nowhere among the valid values. Generated from seeded names and domains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { patternTypo } from '../../main/remediate/synth/patternTypo.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { apply, column, ctx, openDb, synthInput, run, repair1 } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const EMAIL = '[^@]+@[^@]+\\.[a-z]+';
const email = column({ name: 'email', pattern: EMAIL });
const NAMES = ['carol', 'max', 'alex', 'rex', 'xena', 'felix', 'dan', 'eve', 'bob', 'oxana'];
const DOMAINS = ['example', 'foxmail', 'mailbox', 'xmail', 'proton', 'exo'];
const TLDS = ['com', 'org', 'net'];
const tokensOf = (s: string): string[] => s.match(/\p{L}+|\p{N}+|[^\p{L}\p{N}]/gu) ?? [];

describe('pattern-typo repairs need evidence (B5)', () => {
  it("the reported case: 'carol@example' is left as it is", async () => {
    expect(await repair1(db, 'carol@example', EMAIL, ['alice@example.com', 'bob@example.com', 'dan@example.com'])).toBeNull();
  });

  it('generated incomplete e-mails (no TLD) are never repaired; nothing is ever repaired into unseen parts (300 cases)', async () => {
    const rand = seededRandom(77);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    for (let n = 0; n < 30; n++) {
      const valid = Array.from({ length: 12 }, () => `${pick(NAMES)}${rand() < 0.3 ? Math.floor(rand() * 99) : ''}@${pick(DOMAINS)}.${pick(TLDS)}`);
      const incomplete = Array.from({ length: 10 }, () => `${pick(NAMES)}@${pick(DOMAINS)}`).filter((v) => v.includes('x'));
      const vocabulary = new Set(valid.flatMap(tokensOf));
      for (const v of incomplete) {
        expect(await repair1(db, v, EMAIL, valid), `${v} with valid ${valid.join(' ')}`).toBeNull();
      }
      // The strategy over the whole cluster changes none of them.
      const r = await run(db, patternTypo, synthInput(email, incomplete), ctx(valid, 0.01));
      if (r) expect(await apply(db, 'email', r, incomplete)).toEqual(incomplete);
      // Other corruptions of valid values: whatever is repaired is made of seen parts only.
      for (const v of valid.slice(0, 5)) {
        const at = Math.floor(rand() * v.length);
        const bad = `${v.slice(0, at)}x${v.slice(at + 1)}`;
        const out = (await repair1(db, bad, EMAIL, valid))?.out;
        if (out) for (const t of tokensOf(out)) expect(vocabulary.has(t) || tokensOf(bad).includes(t), `${bad} → ${out}: ${t}`).toBe(true);
      }
    }
  });

  it('a corruption with evidence is still repaired', async () => {
    const strict = '[a-z]+@[a-z]+\\.[a-z]+';
    expect(await repair1(db, 'bob@gmailxcom', strict, ['alice@gmail.com', 'bob@gmail.org'])).toEqual({ out: 'bob@gmail.com', how: 'x' });
    // ... but not into a top-level domain no valid value has.
    expect(await repair1(db, 'bob@gmailxqqq', strict, ['alice@gmail.com', 'bob@gmail.org'])).toBeNull();
  });
});
