// verify does not call a bundle tokenised when it is not: a validly signed bundle whose audit log
// holds an e-mail, an SSN or an IBAN in clear (values no pii column declared, so the writer's
// guard could not know them) fails, naming audit.jsonl; without them the same bundle verifies.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../main/audit/bundle.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFixture } from './bundleFixture.js';

describe('the "personal data tokenised" verdict', () => {
  it('is refused for seeded clear e-mails, SSNs and IBANs in the audit log', async () => {
    const rng = seeded(8);
    const ibans = ['DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606'];
    for (let i = 0; i < 12; i++) {
      const value = rng.pick([
        () => `${'abcdefgh'.slice(0, rng.int(1, 8))}${rng.int(1, 999)}@mail${rng.int(1, 99)}.org`,
        () => `${rng.int(100, 899)}-${rng.int(10, 99)}-${rng.int(1000, 9999)}`,
        () => rng.pick(ibans),
      ])();
      const ws = tempDir(`verify-tok-${i}`);
      const fx = makeFixture(ws);
      const control = await writeBundle(join(ws, 'control'), fx.input);
      expect((await verifyBundle(control.dir)).ok).toBe(true);
      fx.log.append({ runId: 'run-20250101-0001', kind: 'stage', payload: { note: `contact ${value} about it` } });
      const res = await writeBundle(join(ws, 'export'), { ...fx.input, auditEntries: fx.log.entries('run-20250101-0001') });
      const v = await verifyBundle(res.dir);
      expect(v, value).toMatchObject({ ok: false, culprit: 'audit.jsonl' });
      expect(v.verdict).toContain('in clear, but the signed statement says personal data is tokenised');
      // Exported with --include-pii, the bundle says so and verifies.
      const clear = await writeBundle(join(ws, 'export-pii'), { ...fx.input, auditEntries: fx.log.entries('run-20250101-0001'), includePii: true });
      expect((await verifyBundle(clear.dir)).ok).toBe(true);
    }
  });
});
