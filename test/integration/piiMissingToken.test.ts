// A missing-value token is not personal data, whichever column declares it. Found by the
// generalisation harness: an 'N/A' delivered in an e-mail column (which declares no tokens) made
// every export fail ("holds a pii column's value in clear") because another column's audited
// normalisation 'N/A' → null quoted the same text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: buyers
name: buyers
version: 1.0.0
schema:
  - name: buyers
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: email, logicalType: string, logicalTypeOptions: {pattern: '[^@]+@[^@]+\\.[a-z]+'}, customProperties: [{property: pii, value: email}]}
      - {name: discount, logicalType: number, customProperties: [{property: missingTokens, value: ['N/A', '-']}]}
`;

describe('missing tokens in a bundle with personal data', () => {
  it('an N/A in a pii column does not make the normalisation of another column look like a leak', async () => {
    const dir = tempDir('pii-token');
    const contractPath = join(dir, 'c.yaml');
    writeFileSync(contractPath, CONTRACT);
    const rows = [['1', 'ann@x.org', '5'], ['2', 'N/A', '2.5'], ['3', 'bo@y.com', 'N/A'], ['4', '-', '-'], ['5', 'cy@z.net', '1']];
    const file = writeInput(dir, 'buyers.csv', csvText(['id', 'email', 'discount'], rows));
    const out = join(dir, 'out');
    const engine = await openEngine(join(dir, 'ws'), [out, stagingDirFor(out)]);
    try {
      const run = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      await exportRun(engine, { runId: run.runId, outDir: out, format: 'csv' });
    } finally {
      await engine.close();
    }
    expect((await verifyBundle(out)).ok).toBe(true);
  });
});

describe('isNoValueWord', () => {
  it('knows declared tokens, common no-value words and punctuation, and nothing personal', async () => {
    const { isNoValueWord } = await import('../../main/export/bundleInput.js');
    const { loadContractFile } = await import('../../main/contract/load.js');
    const p = join(tempDir('pii-words'), 'c.yaml');
    writeFileSync(p, CONTRACT);
    const c = loadContractFile(p);
    for (const v of ['N/A', ' n/a ', '-', '?', '--', 'NULL', 'none', 'Unknown', '']) expect(isNoValueWord(v, c), v).toBe(true);
    for (const v of ['ann@x.org', 'Ann', 'Nona', '555-0100', 'nullable', 'x', 'Na', 'Nan', 'Nil']) expect(isNoValueWord(v, c), v).toBe(false);
  });
});
