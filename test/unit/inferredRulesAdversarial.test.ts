// Hostile `inferred` markers in a contract: each is one UserError naming the file and line, or
// is read safely; never a crash. A contract with no markers has no unconfirmed rules.
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { UserError } from '../../main/contract/errors.js';
import { unconfirmedRules } from '../../main/contract/inferredRules.js';

const contract = (columnInferred: string, fdInferred?: string) => `apiVersion: v3.1.0
kind: DataContract
id: t
schema:
  - name: t
    properties:
      - name: a
        logicalType: string
        customProperties:
          - property: inferred
            value: ${columnInferred}
      - name: b
        logicalType: string
${fdInferred === undefined ? '' : `    customProperties:
      - property: functionalDependencies
        value:
          - determinant: [a]
            dependent: [b]
            inferred: ${fdInferred}
`}`;

function userError(yaml: string): UserError {
  try {
    parseContract(yaml, 'c.yaml');
  } catch (e) {
    expect(e, String((e as Error).stack)).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('parsed');
}

describe('hostile inferred markers', () => {
  const ok = '{ rule: type, share: 1, evidence: x, confirmed: false }';
  it.each([
    ['a string', "'yes'"],
    ['a mapping instead of a list', ok],
    ['a list of non-objects', '[1, two, null]'],
    ['share NaN', '[{ rule: type, share: .nan, confirmed: false }]'],
    ["share '0.5'", "[{ rule: type, share: '0.5', confirmed: false }]"],
    ['share 2', '[{ rule: type, share: 2, confirmed: false }]'],
    ['share -0.1', '[{ rule: type, share: -0.1, confirmed: false }]'],
    ["confirmed 'yes'", "[{ rule: type, share: 1, confirmed: 'yes' }]"],
    ['no rule', '[{ share: 1, confirmed: false }]'],
    ['rule a list', '[{ rule: [type], share: 1, confirmed: false }]'],
  ])('a column marker that is %s is one error naming file and line', (_what, v) => {
    const e = userError(contract(v));
    expect(e.message).toMatch(/^c\.yaml:(9|10|11): /);
  });

  it.each([
    ['an empty list', '[]'],
    ['a string', 'dependency'],
    ['a number', '3'],
    ['share Infinity', '{ rule: dependency, share: .inf, confirmed: false }'],
    ['confirmed 1', '{ rule: dependency, share: 1, confirmed: 1 }'],
  ])('a dependency marker that is %s is one error naming file and line', (_what, v) => {
    const e = userError(contract(ok.replace(/^/, '[').replace(/$/, ']'), v));
    expect(e.message).toMatch(/^c\.yaml:(17|18|19|20|21|22): /);
  });

  it('a null marker on a dependency, or an empty column list, is read as no marker', () => {
    expect(unconfirmedRules(parseContract(contract('null'), 'c.yaml'))).toEqual([]);
    const c = parseContract(contract('[]', 'null'), 'c.yaml');
    expect(unconfirmedRules(c)).toEqual([]);
  });

  it('odd counterexamples and evidence are read safely', () => {
    const big = `[${Array.from({ length: 5000 }, (_, i) => `v${i}`).join(', ')}]`;
    const c = parseContract(contract(`[{ rule: type, share: 0.5, evidence: 12, counterexamples: ${big}, confirmed: false }, { rule: x, counterexamples: [{a: 1}, [1], null, 2] }]`), 'c.yaml');
    expect(c.columns[0].inferred).toHaveLength(2);
    expect(c.columns[0].inferred![0].counterexamples).toHaveLength(5000);
    for (const r of c.columns[0].inferred!) for (const x of r.counterexamples) expect(typeof x).toBe('string');
  });

  it('a hand-written contract with no markers has no unconfirmed rules', () => {
    const c = parseContract(`apiVersion: v3.1.0
kind: DataContract
schema:
  - name: t
    properties:
      - name: a
        logicalType: string
        required: true
`, 'c.yaml');
    expect(unconfirmedRules(c)).toEqual([]);
  });

  it('a confirmed marker on every rule leaves none unconfirmed; a marker with no confirmed key is unconfirmed', () => {
    expect(unconfirmedRules(parseContract(contract('[{ rule: type, share: 1, confirmed: true }]', '{ rule: dependency, share: 1, confirmed: true }'), 'c.yaml'))).toEqual([]);
    expect(unconfirmedRules(parseContract(contract('[{ rule: type, share: 1 }]'), 'c.yaml'))).toEqual(['a: type']);
  });
});
