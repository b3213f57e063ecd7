// The evidence a dependency vote reads is narrowed to the columns it can read: every determinant
// and dependent of the contract's dependencies, the source column, and the columns of the rules
// being applied (a recipe's rule may name columns the contract's dependencies do not).
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { evidenceColumns } from '../../main/remediate/context.js';

const contract = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - {name: id, logicalType: integer, primaryKey: true}
      - {name: notes, logicalType: string}
      - {name: zip, logicalType: string}
      - {name: city, logicalType: string}
      - {name: state, logicalType: string}
      - {name: phone, logicalType: string}
      - {name: src, logicalType: string}
    customProperties:
      - {property: sourceColumn, value: src}
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [city, state]}
`);

describe('evidenceColumns', () => {
  it("holds the dependencies' columns and the source column, in the contract's order, and nothing else", () => {
    expect(evidenceColumns(contract)).toEqual(['zip', 'city', 'state', 'src']);
  });
  it('adds the columns a rule being applied names', () => {
    expect(evidenceColumns(contract, [{ kind: 'agreedValue', column: 'phone', determinants: [['id', 'notes']], minSupport: 2, minMargin: 0.2 }]))
      .toEqual(['id', 'notes', 'zip', 'city', 'state', 'phone', 'src']);
  });
  it('is empty for a contract without dependencies or a source column (the evidence then holds row ids only)', () => {
    const plain = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: plain
name: plain
version: 1.0.0
schema:
  - name: plain
    properties:
      - {name: id, logicalType: integer, primaryKey: true}
      - {name: v, logicalType: string}
`);
    expect(evidenceColumns(plain)).toEqual([]);
  });
});
