// The dbt project generator: the same contract and recipe give the same bytes, and a rule that
// cannot be translated for the target engine is refused by name.
import { describe, expect, it } from 'vitest';
import { loadContractFile, parseContract } from '../../main/contract/load.js';
import { buildDbtProject } from '../../main/export/dbt/dbtProject.js';
import { UserError } from '../../main/contract/errors.js';
import type { ExportedRule } from '../../main/export/dbt/ruleModels.js';
import { SHARED } from '../helpers/tmp.js';
import { join } from 'node:path';

const contract = loadContractFile(join(SHARED, 'bench/hospital/contract.odcs.yaml'));
const rules: ExportedRule[] = [
  { id: 'p1', column: 'zip', rule: { kind: 'map', column: 'zip', match: 'exact', entries: [{ from: '3562x', to: '35620' }, { from: 'a"b', to: 'c' }] } },
  { id: 'p2', column: 'city', rule: { kind: 'expression', set: { city: 'reverse(trim("city"))' } } },
  { id: 'p3', column: 'state', rule: { kind: 'agreedValue', column: 'state', determinants: [['zip']], minSupport: 2, minMargin: 0.2 } },
];

describe('buildDbtProject', () => {
  it('gives the same files, byte for byte, for the same inputs', () => {
    const a = buildDbtProject({ contract, rules, dialect: 'duckdb', sourceFile: '/data/dirty.csv' });
    const b = buildDbtProject({ contract, rules, dialect: 'duckdb', sourceFile: '/data/dirty.csv' });
    expect(Object.keys(a).length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(a['seeds/hospital_rule_01_lines.csv']).toBe('_airlock_from,_airlock_to\n"3562x","35620"\n"a""b","c"\n');
    // The rule's compiled SQL is carried through Jinja untouched; refs link the models.
    expect(a['models/remediation/hospital_rule_02.sql']).toContain('reverse(trim("city"))');
    expect(a['models/remediation/hospital_rule_03.sql']).toContain("{{ ref('hospital_rule_03_agree_final') }}");
    expect(a['models/schema.yml']).toContain('pattern_mismatch__hospital_clean__zip');
  });

  it('refuses an expression rule with no exact translation, naming the rule', () => {
    let caught: unknown;
    try {
      buildDbtProject({ contract, rules, dialect: 'spark' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toMatch(/^recipe rule 2 \(p2, expression on city\) cannot be exported to dbt: its expression for city "reverse\(trim\(\\"city\\"\)\)" has no exact spark translation/);
  });

  it('writes the staging models through the dialect macros, a column name as a Jinja string literal', () => {
    const odd = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: odd
name: odd
version: 1.0.0
schema:
  - name: odd
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: 'say "hi" \`now\`', logicalType: string}
`, 'odd.odcs.yaml');
    const files = buildDbtProject({ contract: odd, rules: [], dialect: 'duckdb' });
    const staged = files['models/staging/odd_staged.sql'];
    expect(staged).toContain(`{{ config(pre_hook="{{ airlock_prepare_raw() }}") }}`);
    expect(staged).toContain('{{ airlock_text(airlock_ident("say \\"hi\\" `now`")) }} AS {{ airlock_ident("say \\"hi\\" `now`") }}');
    expect(staged).toContain('{{ airlock_row_hash(["id","say \\"hi\\" `now`"]) }} AS _airlock_row_hash');
    const candidates = files['models/staging/odd_candidates.sql'];
    expect(candidates).toContain(`THEN NULL ELSE {{ airlock_ident("say \\"hi\\" \`now\`") }} END AS {{ airlock_ident("say \\"hi\\" \`now\`") }}`);
    // No engine's quoting is written into the staging models themselves (only macro arguments are quoted).
    for (const f of [staged, candidates, files['models/staging/odd_duplicates.sql']]) expect(f).not.toMatch(/(?<![([,])"id"|`id`/);
  });
});
