// A determinant written in the wrong case or with stray spaces (' aa100' for AA100) is the same
// entity: normalizing it cannot move the row into a group it does not belong to. Once it joins
// its group, the dependents it disagrees on are conflicts the data always had, revealed, not
// regressions of the rule; the group's vote settles them in the next round. A determinant rule
// that changes the entity (a different code) is still judged by the conflicts it creates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: legs
name: legs
version: 1.0.0
schema:
  - name: legs
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: flight, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{2}[0-9]{3}'}}
      - {name: origin, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{3}'}}
      - {name: dest, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{3}'}}
      - {name: gate, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-E][0-9]'}}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [flight], dependent: [origin, dest, gate]}
`;
const HEADER = ['id', 'flight', 'origin', 'dest', 'gate'];

async function run(name: string, rows: string[][], contract = CONTRACT) {
  const dir = tempDir(name);
  const contractPath = join(dir, 'legs.odcs.yaml');
  writeFileSync(contractPath, contract);
  const st = streamTables(loadContractFile(contractPath));
  const engine = await openEngine(join(dir, 'ws'));
  try {
    const file = writeInput(dir, 'legs.csv', csvText(HEADER, rows));
    const r = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
    const conn = engine.duck.conn;
    // counted here, apart from the run's own summary
    const held = await queryRows<{ id: string }>(conn, `SELECT CAST(id AS VARCHAR) AS id FROM ${st.quarantine} WHERE _airlock_run_id = '${r.runId}' ORDER BY id`);
    const prod = await queryRows<{ id: string; flight: string; origin: string; dest: string; gate: string }>(conn,
      `SELECT CAST(id AS VARCHAR) AS id, flight, origin, dest, gate FROM ${st.prod} ORDER BY id`);
    return { r, held: held.map((h) => h.id), prod };
  } finally {
    engine.close();
  }
}

/** Four clean reports of each of three flights. */
function clean(): string[][] {
  const flights = [['AA100', 'JFK', 'LAX', 'A1'], ['BA200', 'LHR', 'BOS', 'B2'], ['DL300', 'ATL', 'SEA', 'C3']];
  return flights.flatMap((f, k) => Array.from({ length: 4 }, (_, i) => [String(10 * k + i + 1), ...f]));
}

describe('a determinant normalized in case or spacing joins its group', () => {
  it('reveals the dependents it disagrees on and the vote repairs them, instead of refusing the normalization', async () => {
    const rows = [
      ...clean(),
      // its flight fails the pattern only by case and spacing; two of its dependents disagree
      // with the AA100 group (what several sources reporting one flight look like)
      ['50', ' aa100', 'JFK', 'SFO', 'D4'],
      ['51', 'bA200\t', 'LHR', 'BOS', 'E5'],
    ];
    const { r, held, prod } = await run('det-normalize', rows);
    expect(r.reconciled).toBe(true);
    expect(held).toEqual([]);
    expect(prod.find((p) => p.id === '50')).toEqual({ id: '50', flight: 'AA100', origin: 'JFK', dest: 'LAX', gate: 'A1' });
    expect(prod.find((p) => p.id === '51')).toEqual({ id: '51', flight: 'BA200', origin: 'LHR', dest: 'BOS', gate: 'B2' });
  }, 180_000);

  it('a determinant that is a different code is still held when it would disagree on several dependents', async () => {
    const rows = [
      ...clean(),
      // 'AA10O' is one letter from AA100 but not the same value under case and spacing: a typo
      // fix to AA100 would create two conflicts, so nothing promotes the row as AA100
      ['60', 'AA10O', 'JFK', 'SFO', 'D4'],
    ];
    const { r, held, prod } = await run('det-other-code', rows);
    expect(r.reconciled).toBe(true);
    expect(held).toEqual(['60']);
    expect(prod.find((p) => p.id === '60')).toBeUndefined();
  }, 180_000);

  it('a determinant its column accepts as written is an entity of its own: re-cased into another group, it is judged by every conflict', async () => {
    // the pattern allows lower case: 'aa100' is a valid code, in a group of its own, and its
    // dependents disagree with AA100's; re-keying it to AA100 would let the vote rewrite them
    const contract = CONTRACT.replace("pattern: '[A-Z]{2}[0-9]{3}'", "pattern: '[A-Za-z]{2}[0-9]{3}'");
    const flights = [['AA100', 'JFK', 'LAX', 'A1'], ['BA200', 'LHR', 'BOS', 'B2'], ['DL300', 'ATL', 'SEA', 'C3'], ['UA400', 'ORD', 'DEN', 'D4'], ['AF500', 'CDG', 'NCE', 'E5']];
    const rows = [...flights.flatMap((f, k) => Array.from({ length: 7 }, (_, i) => [String(10 * k + i + 1), ...f])), ['90', 'aa100', 'JFK', 'SFO', 'D4']];
    const { r, prod } = await run('det-valid-own', rows, contract);
    expect(r.reconciled).toBe(true);
    expect(prod.find((p) => p.id === '90')).not.toEqual({ id: '90', flight: 'AA100', origin: 'JFK', dest: 'LAX', gate: 'A1' });
    for (const p of prod.filter((x) => x.id === '90')) expect([p.dest, p.gate]).toEqual(['SFO', 'D4']);
  }, 180_000);
});
