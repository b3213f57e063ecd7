// Issue 10, sections 1, 3 and 4 end to end through runBatch on small tables whose every value is
// known: an approved fix reaches a row that cannot leave quarantine yet (its other cell still
// fails), quarantine then holds the row's current values and only the reasons that remain, its
// arrival bytes stay where the vault has them; a fix that unlocks another is found in a later
// round; a recipe's dependency rule decides the next file's new keys from that file's groups;
// a value map that collapses distinct values into a constant no valid row holds is refused unless
// the analyst wrote it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { listProposals, ruleOp } from '../../main/remediate/proposalStore.js';
import { editProposal } from '../../main/remediate/review.js';
import { acceptable, createWorkingCopy, initWorkingViolations, verifyTypedRule } from '../../main/remediate/verify.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: towns
name: towns
version: 1.0.0
schema:
  - name: towns
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: email, logicalType: string, logicalTypeOptions: {pattern: '[a-z]+@[a-z]+\\.[a-z]+'}}
      - {name: code, logicalType: string, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '[0-9]{5}'}}
      - {name: city, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city]}
`;

const HEADER = ['id', 'email', 'code', 'zip', 'city'];
const NAMES = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jo', 'kit', 'lou'];

/** Clean rows: six per town, so that each zip group has a clear agreed city. */
function town(from: number, zip: string, city: string, n = 6): string[][] {
  return Array.from({ length: n }, (_, i) => [String(from + i), `${NAMES[(from + i) % NAMES.length]}@mail.org`, 'k', zip, city]);
}

async function withEngine<T>(dir: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(join(dir, 'ws'));
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

function setup(name: string): { dir: string; contractPath: string } {
  const dir = tempDir(name);
  const contractPath = join(dir, 'towns.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  return { dir, contractPath };
}

const st = streamTables(loadContractFile(setupContract()));
function setupContract(): string {
  const p = join(tempDir('towns-contract'), 'c.yaml');
  writeFileSync(p, CONTRACT);
  return p;
}

describe('every approved fix reaches every cell it matches, round after round', () => {
  it('fixes reach rows that stay in quarantine; quarantine holds current values, remaining reasons and the arrival span', async () => {
    const { dir, contractPath } = setup('reach');
    const rows = [
      ...town(1, '12345', 'Springfield'), ...town(7, '54321', 'Shelbyville'),
      ['21', ' ann@mail.org ', '', '12345', 'Springfield'], // padded e-mail AND a missing code: cannot leave
      ['22', ' bob@mail.org ', 'k', '54321', 'Shelbyville'], // padded e-mail only: leaves
      ['23', 'cy@mail.org', 'k', ' 12345', 'Sprngfield'], // padded zip hides a wrong city: found in round 2
    ];
    const text = csvText(HEADER, rows);
    const file = writeInput(dir, 'towns.csv', text);
    await withEngine(dir, async (engine) => {
      const run = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      const conn = engine.duck.conn;
      const q = await queryRows<Record<string, string | number | null>>(conn, `SELECT * FROM ${st.quarantine} WHERE _airlock_run_id = '${run.runId}'`);
      expect(q.map((r) => Number(r._airlock_row_id))).toEqual([13]);
      const held = q[0];
      expect(held.email).toBe('ann@mail.org');
      expect(held._airlock_reasons).toBe('code:REQUIRED_MISSING');
      // Its arrival bytes, untouched, at its span of the vaulted file.
      const vault = readFileSync(file);
      const bytes = vault.subarray(Number(held._airlock_raw_offset), Number(held._airlock_raw_offset) + Number(held._airlock_raw_length)).toString('utf8');
      expect(bytes).toBe('21, ann@mail.org ,,12345,Springfield');
      expect(text.split('\n')[Number(held._airlock_raw_lineno) - 1]).toBe(bytes);
      // The change to the held row is in the change audit, attributed to an applied rule.
      const changes = await queryRows<{ row_id: number; column: string; old_value: string; new_value: string; rule: string }>(conn,
        `SELECT row_id, "column", old_value, new_value, rule FROM ${st.changes} WHERE run_id = '${run.runId}' ORDER BY row_id, "column"`);
      expect(changes.filter((c) => Number(c.row_id) === 13)).toEqual([expect.objectContaining({ column: 'email', old_value: ' ann@mail.org ', new_value: 'ann@mail.org' })]);
      const prod = await queryRows<{ id: number; email: string; zip: string; city: string }>(conn, `SELECT id, email, zip, city FROM ${st.prod} WHERE id IN (22, 23) ORDER BY id`);
      expect(prod.map((r) => [Number(r.id), r.email, r.zip, r.city])).toEqual([[22, 'bob@mail.org', '54321', 'Shelbyville'], [23, 'cy@mail.org', '12345', 'Springfield']]);
      // The city was repaired by a dependency vote, in a later round than the zip it hinged on.
      const cityChange = changes.find((c) => Number(c.row_id) === 15 && c.column === 'city')!;
      const zipChange = changes.find((c) => Number(c.row_id) === 15 && c.column === 'zip')!;
      const byId = new Map(listProposals(engine.sqlite, run.runId).map((p) => [p.id, p]));
      expect(ruleOp(byId.get(cityChange.rule)!.rule).kind).toBe('agreedValue');
      expect(byId.get(zipChange.rule)).toBeDefined();
      const rounds = engine.audit.entries(run.runId).filter((e) => e.kind === 'stage' && (e.payload as { stage?: string }).stage === 'remediation-round');
      expect(rounds.length).toBeGreaterThanOrEqual(2);
      expect(rounds.map((e) => (e.payload as { changedCells: number }).changedCells).at(-1)).toBe(0);
    });
  }, 120_000);

  it('a recipe dependency rule decides the next file\'s new keys from that file\'s own groups', async () => {
    const { dir, contractPath } = setup('recipe-keys');
    const first = [...town(1, '12345', 'Springfield'), ['7', 'ann@mail.org', 'k', '12345', 'Springfeld']];
    // The second file has only zips the first never saw.
    const second = [...town(101, '67890', 'Ogdenville'), ['107', 'bob@mail.org', 'k', '67890', 'Ogdnville'], ...town(108, '24680', 'North Haverbrook'), ['114', 'cy@mail.org', 'k', '24680', 'N. Haverbrook']];
    await withEngine(dir, async (engine) => {
      const opts = { contractPath, approval: { kind: 'all' as const }, remediation: { modelPath: null, embedderDir: null } };
      const r1 = await runBatch(engine, { ...opts, file: writeInput(dir, 'a.csv', csvText(HEADER, first)) });
      expect(listProposals(engine.sqlite, r1.runId).some((p) => p.status === 'applied' && ruleOp(p.rule).kind === 'agreedValue')).toBe(true);
      const r2 = await runBatch(engine, { ...opts, file: writeInput(dir, 'b.csv', csvText(HEADER, second)) });
      expect(r2.reconciled).toBe(true);
      const recipe = listProposals(engine.sqlite, r2.runId).filter((p) => p.clusterId.startsWith('recipe:'));
      const agreed = recipe.find((p) => ruleOp(p.rule).kind === 'agreedValue')!;
      expect(agreed.status).toBe('applied');
      // The rule carries no values of the first file: it is the same small object.
      expect(JSON.stringify(ruleOp(agreed.rule)).length).toBeLessThan(200);
      const fixed = await queryRows<{ row_id: number; new_value: string; rule: string }>(engine.duck.conn,
        `SELECT row_id, new_value, rule FROM ${st.changes} WHERE run_id = '${r2.runId}' AND "column" = 'city' ORDER BY row_id`);
      expect(fixed.map((f) => [Number(f.row_id), f.new_value, f.rule])).toEqual([[7, 'Ogdenville', agreed.id], [14, 'North Haverbrook', agreed.id]]);
    });
  }, 120_000);

  it('a value map writing one constant no valid row holds into many distinct values is refused (harm guard)', async () => {
    const { dir, contractPath } = setup('map-harm');
    const rows = [...town(1, '12345', 'Springfield'), ['7', 'ANN@mail.org', 'k', '12345', 'Springfield'], ['8', 'BOB@mail.org', 'k', '12345', 'Springfield'], ['9', 'CY@mail.org', 'k', '12345', 'Springfield']];
    await withEngine(dir, async (engine) => {
      const run = await runBatch(engine, { file: writeInput(dir, 't.csv', csvText(HEADER, rows)), contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
      const p = listProposals(engine.sqlite, run.runId).find((x) => x.column === 'email')!;
      const contract = loadContractFile(contractPath);
      const scope = { contract, runId: run.runId, st: streamTables(contract), rt: runTables(run.runId) };
      const conn = engine.duck.conn;
      const verdict = async (to: (from: string) => string, proposer: string) => {
        const work = await createWorkingCopy(conn, scope, '_t_work');
        const viol = await initWorkingViolations(conn, scope, '_t_viol');
        const op = { kind: 'map' as const, column: 'email', match: 'exact' as const, entries: ['ANN@mail.org', 'BOB@mail.org', 'CY@mail.org'].map((from) => ({ from, to: to(from) })) };
        const v = await verifyTypedRule(conn, scope, work, viol, p.clusterId, 'email', op, false, undefined, proposer);
        await conn.run('DROP TABLE _t_work; DROP TABLE _t_viol;');
        return v;
      };
      // A model's (or the synthesizer's) map that writes one constant into three distinct values.
      for (const proposer of ['llm:tiny.gguf', 'synth:case-trim']) {
        const collapse = await verdict(() => 'someone@mail.org', proposer);
        expect(collapse.cellsFixed).toBe(3);
        expect(acceptable(collapse)).toBe(false);
        expect(collapse.harm).toMatch(/one value "someone@mail.org" into 3 distinct values/);
      }
      // The same lines, each to its own valid spelling, pass.
      const honest = await verdict((from) => from.toLowerCase(), 'llm:tiny.gguf');
      expect(honest.harm).toBeUndefined();
      expect(acceptable(honest)).toBe(true);
      // An analyst's own edit is the evidence: the collapse is the analyst's decision, verified.
      const edited = await editProposal(engine, run.runId, p.id, {
        op: { kind: 'map', column: 'email', match: 'exact', entries: ['ANN@mail.org', 'BOB@mail.org', 'CY@mail.org'].map((from) => ({ from, to: 'someone@mail.org' })) },
      }, 'tester');
      expect(edited.status).toBe('verified');
    });
  }, 120_000);
});
