// The profiler's inferred-rule markers in the Contract screen's form: the form carries each rule
// with its evidence, a tick writes `confirmed: true` into exactly that rule's YAML node (every
// other byte as written), an edit of a rule's value confirms it, a removed rule takes its marker
// with it, and a contract without markers is written as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { unconfirmedRules } from '../../main/contract/inferredRules.js';
import { applyForm, formOfContract } from '../../main/api/contractForm.js';
import type { ContractForm } from '../../main/api/contract.js';
import { SHARED } from '../helpers/tmp.js';

// A proposal as `airlock profile` writes it for the beers table (four of its columns).
const PROPOSAL = `# Proposed by \`airlock profile\` from dirty.csv (2410 rows).

apiVersion: v3.1.0
kind: DataContract
id: dirty-proposed
name: dirty
version: 0.1.0
status: draft
schema:
  - name: dirty
    logicalType: object
    properties:
      - name: index
        logicalType: integer
        required: true
        primaryKey: true
        customProperties:
          - property: inferred
            value:
              - { rule: type, share: 1, evidence: "all 2,410 values are integers", confirmed: false }
              - { rule: required, share: 1, evidence: "all 2,410 rows have a value", confirmed: false }
              - { rule: primaryKey, share: 1, evidence: "all 2,410 values are distinct", confirmed: false }
      - name: ibu
        logicalType: integer
        customProperties:
          - { property: missingTokens, value: [ N/A ] }
          - property: inferred
            value:
              - { rule: type, share: 1, evidence: "all 1,405 values are integers", confirmed: false }
              - { rule: missingTokens, share: 0.417, evidence: "'N/A' in 1,005 rows of an integer column: read as no value", confirmed: false }
      - name: city
        logicalType: string
        required: true
        customProperties:
          - property: inferred
            value:
              - { rule: required, share: 1, evidence: "all 2,410 rows have a value", confirmed: false }
      - name: state
        logicalType: string
        logicalTypeOptions: { pattern: '[A-Z]{2}' }
        customProperties:
          - property: inferred
            value:
              - { rule: pattern, share: 0.98, evidence: "98.0% of 2,283 values match [A-Z]{2}; 46 do not: 'Ca', 'ny'", counterexamples: [ Ca, ny ], confirmed: false }
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
    customProperties:
      - property: functionalDependencies
        value:
          - determinant: [ city ]
            dependent: [ state ]
            inferred: { rule: dependency, share: 0.9784, evidence: holds on 97.8% of the rows at worst, confirmed: false }
          - determinant: [ index ]
            dependent: [ city ]
            inferred: { rule: dependency, share: 1, evidence: holds on all rows, confirmed: false }
`;

const formOf = (yaml: string): ContractForm => formOfContract(parseContract(yaml));
const col = (form: ContractForm, name: string) => form.columns.find((c) => c.name === name)!;

/** The lines that differ between two texts of the same line count, as [before, after]. */
function changedLines(a: string, b: string): [string, string][] {
  const x = a.split('\n'), y = b.split('\n');
  expect(y).toHaveLength(x.length);
  return x.flatMap((l, i) => (l === y[i] ? [] : [[l, y[i]] as [string, string]]));
}

describe('the form carries inferred rules', () => {
  it('with their share, evidence, counterexamples and tick, per column and per dependency', () => {
    const form = formOf(PROPOSAL);
    expect(col(form, 'index').inferred.map((r) => r.rule)).toEqual(['type', 'required', 'primaryKey']);
    expect(col(form, 'state').inferred).toEqual([
      { rule: 'pattern', share: 0.98, evidence: "98.0% of 2,283 values match [A-Z]{2}; 46 do not: 'Ca', 'ny'", counterexamples: ['Ca', 'ny'], confirmed: false },
    ]);
    expect(form.dependencies[0].inferred).toMatchObject({ rule: 'dependency', share: 0.9784, confirmed: false });
    expect(applyForm(PROPOSAL, form)).toBe(PROPOSAL);
  });
});

describe('applyForm and inferred rules', () => {
  it('a tick writes confirmed: true into exactly that rule, every other byte as written', () => {
    const form = formOf(PROPOSAL);
    col(form, 'index').inferred[1].confirmed = true;
    const yaml = applyForm(PROPOSAL, form);
    expect(changedLines(PROPOSAL, yaml)).toEqual([[
      '              - { rule: required, share: 1, evidence: "all 2,410 rows have a value", confirmed: false }',
      '              - { rule: required, share: 1, evidence: "all 2,410 rows have a value", confirmed: true }',
    ]]);
    expect(unconfirmedRules(parseContract(yaml))).not.toContain('index: required');
    expect(unconfirmedRules(parseContract(yaml))).toHaveLength(unconfirmedRules(parseContract(PROPOSAL)).length - 1);
    // Unticking puts it back as it was.
    const back = formOf(yaml);
    col(back, 'index').inferred[1].confirmed = false;
    expect(applyForm(yaml, back)).toBe(PROPOSAL);
  });

  it('a tick on a dependency writes confirmed: true into its marker only', () => {
    const form = formOf(PROPOSAL);
    form.dependencies[0].inferred!.confirmed = true;
    const yaml = applyForm(PROPOSAL, form);
    expect(changedLines(PROPOSAL, yaml)).toEqual([[
      '            inferred: { rule: dependency, share: 0.9784, evidence: holds on 97.8% of the rows at worst, confirmed: false }',
      '            inferred: { rule: dependency, share: 0.9784, evidence: holds on 97.8% of the rows at worst, confirmed: true }',
    ]]);
  });

  it('editing a pattern confirms the pattern rule and keeps its evidence', () => {
    const form = formOf(PROPOSAL);
    col(form, 'state').pattern = '[A-Z]{2}|[A-Z][a-z]';
    const yaml = applyForm(PROPOSAL, form);
    const state = parseContract(yaml).columns.find((c) => c.name === 'state')!;
    expect(state.pattern).toBe('[A-Z]{2}|[A-Z][a-z]');
    expect(state.inferred).toEqual([{ rule: 'pattern', share: 0.98, evidence: "98.0% of 2,283 values match [A-Z]{2}; 46 do not: 'Ca', 'ny'", counterexamples: ['Ca', 'ny'], confirmed: true }]);
    // Only the pattern and its marker's tick changed.
    expect(changedLines(PROPOSAL, yaml).map(([, after]) => after.trim())).toEqual([
      "logicalTypeOptions: { pattern: '[A-Z]{2}|[A-Z][a-z]' }",
      "- { rule: pattern, share: 0.98, evidence: \"98.0% of 2,283 values match [A-Z]{2}; 46 do not: 'Ca', 'ny'\", counterexamples: [ Ca, ny ], confirmed: true }",
    ]);
    // The returned form says so too: the screen shows it confirmed.
    expect(col(formOf(yaml), 'state').inferred[0].confirmed).toBe(true);
  });

  it('a type edit confirms the type rule; the other rules of the column keep their tick', () => {
    const form = formOf(PROPOSAL);
    col(form, 'ibu').logicalType = 'number';
    const ibu = parseContract(applyForm(PROPOSAL, form)).columns.find((c) => c.name === 'ibu')!;
    expect(ibu.inferred!.map((r) => [r.rule, r.confirmed])).toEqual([['type', true], ['missingTokens', false]]);
  });

  it('a rule the analyst removes takes its marker with it', () => {
    const form = formOf(PROPOSAL);
    col(form, 'state').pattern = '';
    col(form, 'city').required = false;
    const yaml = applyForm(PROPOSAL, form);
    const c = parseContract(yaml);
    const by = (name: string) => c.columns.find((x) => x.name === name)!;
    expect(by('state').pattern).toBeUndefined();
    expect(by('state').inferred).toBeUndefined();
    expect(by('city').required).toBe(false);
    expect(by('city').inferred).toBeUndefined();
    expect(unconfirmedRules(c)).not.toContain('state: pattern');
    expect(unconfirmedRules(c)).not.toContain('city: required');
    // The other columns' markers are as written.
    expect(yaml).toContain('              - { rule: primaryKey, share: 1, evidence: "all 2,410 values are distinct", confirmed: false }');
  });

  it('an edited dependency comes back confirmed; a removed one leaves the others as written', () => {
    const form = formOf(PROPOSAL);
    form.dependencies = [{ ...form.dependencies[1], dependent: ['city', 'state'] }];
    const edited = parseContract(applyForm(PROPOSAL, form));
    expect(edited.fds).toEqual([{ determinant: ['index'], dependent: ['city', 'state'], inferred: { rule: 'dependency', share: 1, evidence: 'holds on all rows', counterexamples: [], confirmed: true } }]);

    const removed = formOf(PROPOSAL);
    removed.dependencies = removed.dependencies.slice(1);
    const yaml = applyForm(PROPOSAL, removed);
    expect(yaml).toContain(`          - determinant: [ index ]
            dependent: [ city ]
            inferred: { rule: dependency, share: 1, evidence: holds on all rows, confirmed: false }
`);
    expect(yaml).not.toContain('determinant: [ city ]');
    expect(parseContract(yaml).fds[0].inferred!.confirmed).toBe(false);
  });

  it('confirming every rule leaves none unconfirmed, and a stale list of rules is refused', () => {
    const form = formOf(PROPOSAL);
    for (const c of form.columns) for (const r of c.inferred) r.confirmed = true;
    for (const d of form.dependencies) if (d.inferred) d.inferred.confirmed = true;
    const yaml = applyForm(PROPOSAL, form);
    expect(unconfirmedRules(parseContract(yaml))).toEqual([]);
    expect(changedLines(PROPOSAL, yaml).every(([a, b]) => a.replace('confirmed: false', 'confirmed: true') === b)).toBe(true);

    const stale = formOf(PROPOSAL);
    col(stale, 'index').inferred.pop();
    expect(() => applyForm(PROPOSAL, stale)).toThrow(/changed since the form was filled in/);
  });

  it('a contract without inferred markers is written as before', () => {
    const hospital = readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8');
    const form = formOf(hospital);
    expect(form.columns.every((c) => c.inferred.length === 0)).toBe(true);
    expect(form.dependencies.every((d) => d.inferred === undefined)).toBe(true);
    expect(applyForm(hospital, form)).toBe(hospital);
    form.columns.find((c) => c.name === 'zip')!.pattern = '\\d{5}(-\\d{4})?';
    form.dependencies = form.dependencies.slice(0, 1);
    const yaml = applyForm(hospital, form);
    expect(yaml).not.toContain('inferred');
    const c = parseContract(yaml);
    expect(c.fds).toHaveLength(1);
    expect(c.columns.find((x) => x.name === 'zip')!.pattern).toBe('\\d{5}(-\\d{4})?');
  });
});
