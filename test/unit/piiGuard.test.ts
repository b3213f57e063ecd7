// The clear-text guard of writeBundle looks for pii values where they can be. Seeded cases:
// - C1: pii columns whose values are every small number the audit holds (counts, ids, seqs) do
//   not make the export fail, and the bundle still verifies;
// - a letter-bearing value of any length ('Wu', a long name) in an audit payload's string is
//   refused, and one in a cluster sample is a token in every file of the bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../main/audit/bundle.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import type { PiiKind } from '../../main/contract/types.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFixture } from './bundleFixture.js';

/** Every number written anywhere in the fixture's audit entries, as text. */
function numbersInAudit(entries: Array<{ seq: number; payload: unknown }>): string[] {
  const found = new Set<string>();
  for (const e of entries) {
    found.add(String(e.seq));
    for (const m of JSON.stringify(e.payload).matchAll(/\d+(\.\d+)?/g)) found.add(m[0]);
  }
  return [...found];
}

describe('C1: pii values equal to numbers in the audit', () => {
  it('never make writeBundle fail', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = seeded(seed);
      const ws = tempDir(`pii-guard-${seed}`);
      const probe = makeFixture(tempDir(`pii-guard-probe-${seed}`));
      const numbers = numbersInAudit(probe.input.auditEntries).filter(() => rng.chance(0.7));
      const kinds: PiiKind[] = ['other', 'dob', 'name'];
      const fx = makeFixture(ws, { piiClear: numbers.map((n): [string, PiiKind] => [n, rng.pick(kinds)]) });
      const res = await writeBundle(join(ws, 'export'), fx.input);
      const v = await verifyBundle(res.dir);
      expect(v.ok, v.verdict).toBe(true);
    }
  });
});

describe('letter-bearing pii values of any length', () => {
  it('in an audit payload are refused; in a cluster sample they become tokens', async () => {
    const rng = seeded(42);
    for (let i = 0; i < 20; i++) {
      const value = rng.chance(0.5) ? rng.pick(['Wu', 'Ng', 'Li', 'Xu']) : `Q${'zxjv'.slice(0, rng.int(1, 4))} Kw${rng.int(10, 99)}`;
      const ws = tempDir(`pii-guard-l-${i}`);
      const fx = makeFixture(ws, {
        piiClear: [[value, 'name']],
        clusters: [{ id: 'c1', column: 'name', reason: 'LENGTH_VIOLATION', size: 1, samples: [{ value, count: 1 }], status: 'no proposal' }],
      });
      const res = await writeBundle(join(ws, 'export'), fx.input);
      const word = new RegExp(`(?<![\\p{L}\\p{N}])${value}(?![\\p{L}\\p{N}])`, 'u');
      for (const name of readdirSync(res.dir).filter((n) => n !== 'statement.sig' && n !== 'public-key.pem')) {
        expect(word.test(readFileSync(join(res.dir, name), 'utf8')), `${value} in ${name}`).toBe(false);
      }
      expect(readFileSync(join(res.dir, 'report.html'), 'utf8')).toContain(fx.protector.token(value, 'name'));

      fx.log.append({ runId: 'run-20250101-0001', kind: 'proposal', payload: { reasoning: `the name ${value} is too short` } });
      const leaky = { ...fx.input, auditEntries: fx.log.entries('run-20250101-0001') };
      await expect(writeBundle(join(ws, 'export2'), leaky)).rejects.toThrow(/holds a pii column's value in clear/);
    }
  });
});
