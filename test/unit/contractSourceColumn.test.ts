// The table-level `sourceColumn` extension: loaded into Contract.sourceColumn, refused with the
// path when it names no column, and kept by every writer of the contract (form edits, drift).
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { applyForm, formOfContract } from '../../main/api/contractForm.js';
import { contractMatchingHeader } from '../../main/api/driftContract.js';
import { UserError } from '../../main/contract/errors.js';

const yaml = (source: unknown) => `apiVersion: v3.1.0
kind: DataContract
id: sightings
version: 1.0.0
schema:
  - name: sightings
    properties:
      - name: entity
        logicalType: string
      - name: colour
        logicalType: string
      - name: reporter
        logicalType: string
    customProperties:
      - property: functionalDependencies
        value:
          - determinant: [entity]
            dependent: [colour]
      - property: sourceColumn
        value: ${JSON.stringify(source)}
`;

describe('contract sourceColumn', () => {
  it('is read from the table-level customProperties', () => {
    const c = parseContract(yaml('reporter'));
    expect(c.sourceColumn).toBe('reporter');
    expect(c.fds).toEqual([{ determinant: ['entity'], dependent: ['colour'] }]);
  });

  it('is absent when the contract does not say it', () => {
    const c = parseContract(yaml('reporter').replace(/ {6}- property: sourceColumn\n {8}value: "reporter"\n/, ''));
    expect(c.sourceColumn).toBeUndefined();
  });

  it('naming no column of the table is a user error with the path and line', () => {
    let err: unknown;
    try {
      parseContract(yaml('reporterr'), 'c.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(String((err as Error).message)).toMatch(/^c\.yaml:20: schema\[0\]\.customProperties\[1\]\.value: sourceColumn names column "reporterr", which the contract does not declare/);
    expect(() => parseContract(yaml(3), 'c.yaml')).toThrow(/sourceColumn must be the name of a column/);
  });

  it('survives a form edit', () => {
    const text = yaml('reporter');
    const form = formOfContract(parseContract(text));
    form.version = '1.1.0';
    const out = applyForm(text, form);
    expect(parseContract(out).sourceColumn).toBe('reporter');
  });

  it('follows its column through a drift rename, and goes with a dropped column', () => {
    const renamed = contractMatchingHeader(yaml('reporter'), ['entity', 'colour', 'site'], 'x.csv');
    expect(parseContract(renamed.yaml).sourceColumn).toBe('site');
    const dropped = contractMatchingHeader(yaml('reporter'), ['entity', 'colour'], 'x.csv');
    expect(parseContract(dropped.yaml).sourceColumn).toBeUndefined();
  });
});
