// Accepting a drift must carry every dependency however the YAML spells it: an anchored list
// reused by alias (`determinant: *k`), an aliased column name (`[*x]`), and two dependencies that
// share a determinant. Each loses only the dropped column; nothing is lost unseen, and a contract
// compared with itself shows no change.
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { contractMatchingHeader } from '../../main/api/driftContract.js';
import { contractRuleDiff } from '../../main/api/ruleDiff.js';

const HEAD = `apiVersion: v3.1.0
kind: DataContract
id: t
name: t
version: 1.0.0
schema:
  - name: t
    properties:
${['a', 'b', 'c', 'd'].map((c) => `      - name: ${c}\n        logicalType: string`).join('\n')}
    customProperties:
      - property: functionalDependencies
        value:
`;
const fdKeys = (yaml: string) => parseContract(yaml).fds.map((fd) => `${fd.determinant.join(',')} -> ${fd.dependent.join(',')}`);

describe('drift over YAML anchors and aliases', () => {
  it('a determinant reused by alias keeps its dependency, less the dropped column', () => {
    const yaml = `${HEAD}          - determinant: &k [a]\n            dependent: [b]\n          - determinant: *k\n            dependent: [c, d]\n`;
    expect(fdKeys(yaml)).toEqual(['a -> b', 'a -> c,d']);
    const next = contractMatchingHeader(yaml, ['a', 'b', 'c'], 'f.csv');
    expect(fdKeys(next.yaml)).toEqual(['a -> b', 'a -> c']);
    expect(next.changes).toContain('dependency a → c, d keeps c (d dropped)');
  });

  it('an aliased column name is the column it names: nothing dropped, nothing lost', () => {
    const yaml = `${HEAD}          - determinant: [a]\n            dependent: [&x b, c]\n          - determinant: [d]\n            dependent: [*x]\n`;
    expect(fdKeys(yaml)).toEqual(['a -> b,c', 'd -> b']);
    const next = contractMatchingHeader(yaml, ['a', 'b', 'c', 'd'], 'f.csv');
    expect(fdKeys(next.yaml)).toEqual(['a -> b,c', 'd -> b']);
    const renamed = contractMatchingHeader(yaml, ['a', 'bee', 'c', 'd'], 'f.csv');
    expect(fdKeys(renamed.yaml)).toEqual(['a -> bee,c', 'd -> bee']);
  });

  it('two dependencies with the same determinant: the diff pairs each with itself', () => {
    const yaml = `${HEAD}          - determinant: [a]\n            dependent: [b]\n          - determinant: [a]\n            dependent: [c]\n`;
    const c = parseContract(yaml);
    expect(contractRuleDiff(c, c)).toEqual([]);
    const next = contractMatchingHeader(yaml, ['a', 'b', 'c'], 'f.csv');
    expect(next.ruleDiff.filter((l) => l.kind === 'dependency')).toEqual([]);
    const dropped = contractMatchingHeader(yaml, ['a', 'c', 'd'], 'f.csv');
    expect(dropped.ruleDiff.filter((l) => l.kind === 'dependency')).toEqual([{ kind: 'dependency', before: 'a → b', after: null }]);
  });
});
