// The agreedValue rule on the hospital benchmark (../shared/bench/hospital): every dependent of
// the contract's dependencies repaired from its groups' votes over the dirty file alone, scored
// against the clean file. The figures are printed; the test asserts the repair helps far more
// than it harms, and that the contract's typed, composite determinants compile and run.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadContractFile } from '../../main/contract/load.js';
import { compileRule } from '../../main/remediate/rules/compileRule.js';
import { agreedValueRuleFor } from '../../main/remediate/strategies/fdAgreedValue.js';
import { queryRows, sqlIdent, sqlString } from '../../main/store/duckdb.js';
import { SHARED } from '../helpers/tmp.js';

const BENCH = join(SHARED, 'bench', 'hospital');

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

describe('agreedValue on the hospital benchmark', () => {
  it('repairs dependents from their groups, far more fixes than breaks', async () => {
    const contract = loadContractFile(join(BENCH, 'contract.odcs.yaml'));
    const names = contract.columns.map((c) => c.name);
    const read = (file: string) => `read_csv(${sqlString(join(BENCH, file))}, header = true, all_varchar = true, names = [${names.map(sqlString).join(', ')}])`;
    await conn.run(`CREATE TABLE dirty AS SELECT *, CAST(row_number() OVER () AS BIGINT) AS _airlock_row_id, false AS _airlock_passes FROM ${read('dirty.csv')}`);
    await conn.run(`CREATE TABLE clean AS SELECT *, CAST(row_number() OVER () AS BIGINT) AS _airlock_row_id FROM ${read('clean.csv')}`);
    const dependents = [...new Set(contract.fds.flatMap((f) => f.dependent))];
    let fixes = 0, breaks = 0, errors = 0;
    const lines: string[] = [];
    for (const col of dependents) {
      const rule = agreedValueRuleFor(contract, col);
      if (!rule) continue;
      const c = compileRule(rule, { contract, runId: 'r', evidence: 'dirty' });
      for (const s of c.setup) await conn.run(s);
      const q = sqlIdent(col);
      const [r] = await queryRows<{ fixes: number; breaks: number; errors: number }>(conn, `
        WITH after AS (SELECT _airlock_row_id, CASE WHEN ${c.where} THEN ${c.set[col]} ELSE ${q} END AS v, ${q} AS was FROM dirty)
        SELECT count(*) FILTER (WHERE a.was IS DISTINCT FROM k.${q} AND a.v IS NOT DISTINCT FROM k.${q}) AS fixes,
               count(*) FILTER (WHERE a.was IS NOT DISTINCT FROM k.${q} AND a.v IS DISTINCT FROM k.${q}) AS breaks,
               count(*) FILTER (WHERE a.was IS DISTINCT FROM k.${q}) AS errors
        FROM after a JOIN clean k USING (_airlock_row_id)`);
      for (const s of c.teardown) await conn.run(s);
      fixes += Number(r.fixes); breaks += Number(r.breaks); errors += Number(r.errors);
      lines.push(`${col} ${r.fixes}/${r.errors} fixed, ${r.breaks} broken`);
    }
    console.log(`hospital agreedValue: ${fixes} of ${errors} dependent-cell errors fixed, ${breaks} right cells broken\n  ${lines.join('\n  ')}`);
    expect(fixes).toBeGreaterThan(10 * Math.max(1, breaks));
  });
});
