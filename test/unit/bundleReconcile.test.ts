// A bundle can be validly signed and still describe a run that did not reconcile: verify says so.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../main/audit/bundle.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFixture } from './bundleFixture.js';

describe('reconciliation in run.json', () => {
  it('fails when source rows are not success + quarantine + duplicates', async () => {
    const ws = tempDir('reconcile');
    const { input } = makeFixture(ws, { summary: { successRows: 8 } });
    const result = await writeBundle(join(ws, 'export'), input);
    const v = await verifyBundle(result.dir);
    expect(v).toMatchObject({ ok: false, culprit: 'run.json' });
    expect(v.verdict).toBe('FAILED: run.json: the reconciliation does not hold: sourceRows 10 != successRows 8 + quarantineRows 1 + duplicateRows 0');
  });

  it('fails when the run itself recorded that it did not reconcile', async () => {
    const ws = tempDir('reconcile');
    const { input } = makeFixture(ws, { summary: { reconciled: false } });
    const result = await writeBundle(join(ws, 'export'), input);
    expect(await verifyBundle(result.dir)).toMatchObject({ ok: false, culprit: 'run.json', verdict: 'FAILED: run.json: records reconciled: false' });
  });

  it('fails on the first stage that does not hold, and names it', async () => {
    const ws = tempDir('reconcile');
    const { input } = makeFixture(ws);
    input.reconciliation = [
      { stage: 'route', sourceRows: 10, successRows: 6, quarantineRows: 4, duplicateRows: 0, ok: true },
      { stage: 'remediate', sourceRows: 10, successRows: 8, quarantineRows: 1, duplicateRows: 0, ok: false },
      { stage: 'promote', sourceRows: 10, successRows: 9, quarantineRows: 1, duplicateRows: 0, ok: true },
    ];
    const result = await writeBundle(join(ws, 'export'), input);
    const v = await verifyBundle(result.dir);
    expect(v).toMatchObject({ ok: false, culprit: 'run.json stage "remediate"' });
    expect(v.verdict).toContain('10 != 8 + 1 + 0 (ok: false)');
  });

  it('counts duplicates on the right-hand side', async () => {
    const ws = tempDir('reconcile');
    const { input } = makeFixture(ws, { summary: { sourceRows: 12, duplicateRows: 2 } });
    input.reconciliation = [{ stage: 'promote', sourceRows: 12, successRows: 9, quarantineRows: 1, duplicateRows: 2, ok: true }];
    const v = await verifyBundle((await writeBundle(join(ws, 'export'), input)).dir);
    expect(v.ok).toBe(true);
    expect(v.verdict).toContain('12 = 9 + 1 + 2');
  });
});
