// A determinant that fails its pattern through a typo is mapped to the one valid key, one edit
// away, whose rows agree on this row's dependents; a typo near two such keys, one whose row's
// dependents point nowhere, and one shared with a row that cannot be judged are left untouched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { listProposals } from '../../main/remediate/proposalStore.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: places
name: places
version: 1.0.0
schema:
  - name: places
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '\\d{5}'}}
      - {name: city, logicalType: string, required: true}
      - {name: country, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city, country]}
`;

describe('a key that fails its pattern, singled out by its row', () => {
  it('maps the typo to the one nearby key with the row\'s dependents, and leaves every ambiguous one', async () => {
    const rng = seeded(5);
    const cities = ['Lyon', 'Leeds', 'Austin', 'Bremen', 'Dayton', 'Halifax'];
    const country: Record<string, string> = { Lyon: 'FR', Leeds: 'GB', Austin: 'US', Bremen: 'DE', Dayton: 'US', Halifax: 'CA' };
    // Three zips per city, random five digits; Austin also holds 48191 and 48192 (one edit apart).
    const zips = new Map<string, string[]>(cities.map((c) => [c, Array.from({ length: 3 }, () => String(rng.int(10000, 99999)))]));
    zips.get('Austin')!.push('48191', '48192');
    const rows: string[][] = [];
    for (const c of cities) for (const z of zips.get(c)!) for (let k = 0; k < 6; k++) rows.push([String(rows.length + 1), z, c, country[c]]);
    const truth = new Map<string, string>();
    // Typos: a digit dropped, one doubled, two swapped (the last stays five digits: not a pattern failure, skipped).
    for (const i of [3, 20, 41, 66, 90]) {
      const z = rows[i][1];
      truth.set(rows[i][0], z);
      rows[i][1] = i % 2 ? z.slice(0, 2) + z.slice(3) : z.slice(0, 3) + z[3] + z.slice(3);
    }
    const n = rows.length;
    rows.push(
      [String(n + 1), '4819', 'Austin', 'US'], // one edit from both 48191 and 48192
      [String(n + 2), zips.get('Lyon')![0].slice(1), 'Leeds', 'GB'], // near a Lyon zip, in a Leeds row
      [String(n + 3), zips.get('Bremen')![1].slice(1), 'Bremen', 'DE'], // resolvable alone ...
      [String(n + 4), zips.get('Bremen')![1].slice(1), 'Dayton', 'US'], // ... but the same value here points nowhere
    );
    const dir = tempDir('key-typo');
    const contractPath = join(dir, 'c.yaml');
    writeFileSync(contractPath, CONTRACT);
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const run = await runBatch(engine, { file: writeInput(dir, 'p.csv', csvText(['id', 'zip', 'city', 'country'], rows)), contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      const st = streamTables(loadContractFile(contractPath));
      const prod = await queryRows<{ id: number; zip: string }>(engine.duck.conn, `SELECT id, zip FROM ${st.prod} WHERE id IN (${[...truth.keys()].join(', ')}) ORDER BY id`);
      expect(prod.map((r) => [String(r.id), r.zip])).toEqual([...truth]);
      const held = await queryRows<{ id: string; zip: string }>(engine.duck.conn, `SELECT id, zip FROM ${st.quarantine} ORDER BY CAST(id AS INTEGER)`);
      expect(held.map((r) => [r.id, r.zip])).toEqual(rows.slice(n).map((r) => [r[0], r[1]]));
      const changed = await queryRows<{ n: number }>(engine.duck.conn, `SELECT count(*) AS n FROM ${st.changes} WHERE run_id = '${run.runId}'`);
      expect(Number(changed[0].n)).toBe(truth.size);
      expect(listProposals(engine.sqlite, run.runId).some((p) => p.rule.proposer === 'synth:invalid-key-typo' && p.status === 'applied')).toBe(true);
    } finally {
      engine.close();
    }
  }, 180_000);
});
