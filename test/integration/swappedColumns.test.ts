// Values swapped between two columns of a row are swapped back, from the row's own values, only
// when each is valid for the other column and the two columns do not look alike.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: email, logicalType: string, required: true, logicalTypeOptions: {pattern: '[a-z]+@[a-z]+\\.org'}}
      - {name: phone, logicalType: string, required: true, logicalTypeOptions: {pattern: '\\d{3}-\\d{4}'}}
      - {name: home, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{3}'}}
      - {name: work, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{3}'}}
`;

describe('swapped columns', () => {
  it('swaps back e-mail and phone exchanged in a row, and nothing else', async () => {
    const rng = seeded(7);
    const letters = 'abcdefghij';
    const word = () => Array.from({ length: 4 }, () => letters[rng.int(0, letters.length - 1)]).join('');
    const code = () => Array.from({ length: 3 }, () => 'ABCDEFGH'[rng.int(0, 7)]).join('');
    const rows = Array.from({ length: 40 }, (_, i) => [String(i + 1), `${word()}@${word()}.org`, `${rng.int(100, 999)}-${rng.int(1000, 9999)}`, code(), code()]);
    const swapped = [5, 17, 29];
    const truth = new Map(swapped.map((i) => [i + 1, [rows[i][1], rows[i][2]]]));
    for (const i of swapped) [rows[i][1], rows[i][2]] = [rows[i][2], rows[i][1]];
    // A malformed e-mail that is no phone either: nothing to swap, it stays.
    rows.push(['41', 'not an address', '555-0100', 'ABC', 'DEF']);
    const dir = tempDir('swap');
    const contractPath = join(dir, 'c.yaml');
    writeFileSync(contractPath, CONTRACT);
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const run = await runBatch(engine, { file: writeInput(dir, 'p.csv', csvText(['id', 'email', 'phone', 'home', 'work'], rows)), contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      const st = streamTables(loadContractFile(contractPath));
      const prod = await queryRows<{ id: number; email: string; phone: string }>(engine.duck.conn, `SELECT id, email, phone FROM ${st.prod} WHERE id IN (6, 18, 30) ORDER BY id`);
      expect(prod.map((r) => [Number(r.id), r.email, r.phone])).toEqual([...truth].map(([id, [e, p]]) => [id, e, p]));
      const held = await queryRows<{ id: string }>(engine.duck.conn, `SELECT id FROM ${st.quarantine}`);
      expect(held.map((r) => r.id)).toEqual(['41']);
      const changed = await queryRows<{ n: number }>(engine.duck.conn, `SELECT count(*) AS n FROM ${st.changes} WHERE run_id = '${run.runId}'`);
      expect(Number(changed[0].n)).toBe(6);
    } finally {
      engine.close();
    }
  }, 120_000);
});
