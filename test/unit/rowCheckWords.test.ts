// Each failed check of a quarantined row in words, with what the contract expected: built from the
// recorded violation and the column's spec (the row panel's "why it is held back").
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { describeCheck } from '../../main/api/rowDetail/checkWords.js';
import type { RowGroup } from '../../main/api/contract.js';

const contract = parseContract(`kind: DataContract
id: t
schema:
  - name: people
    properties:
      - { name: id, logicalType: integer, primaryKey: true, required: true }
      - { name: state, logicalType: string, enum: [al, ak, az] }
      - { name: born, logicalType: date, logicalTypeOptions: { format: 'yyyy-MM-dd' } }
      - { name: age, logicalType: integer, logicalTypeOptions: { minimum: 0, maximum: 130 } }
      - { name: code, logicalType: string, logicalTypeOptions: { maxLength: 3 } }
`);

const v = (column: string, reason: string, rule: string) => ({ column, reason, rule, detail: null });

describe('describeCheck', () => {
  it('names the allowed values of a closed set', () => {
    const c = describeCheck(contract, v('state', 'NOT_IN_SET', 'state.enum'), 'xl', null);
    expect(c.sentence).toBe('state "xl" is not one of the 3 allowed values: "al", "ak", "az".');
    expect(c.expected).toEqual({ kind: 'set', text: 'one of 3 values', members: ['al', 'ak', 'az'] });
  });

  it("names a variant's dominant spelling and how many rows hold it", () => {
    const detail = JSON.stringify({ dominant: 'American IPA', rows: 1, support: 40, how: 'key-collision' });
    const c = describeCheck(contract, { column: 'code', reason: 'LIKELY_VARIANT', rule: 'code.variant', detail }, 'american  ipa', null);
    expect(c.sentence).toBe('code "american  ipa" looks like a rare spelling of "American IPA", which the column holds far more often (40 rows of this batch); it is held back until a rule or the analyst settles it.');
    expect(c.expected).toEqual({ kind: 'set', text: 'the column\'s usual spelling, "American IPA"' });
  });

  it('names the type and the format a value must have', () => {
    const c = describeCheck(contract, v('born', 'TYPE_MISMATCH', 'born.logicalType=date format %Y-%m-%d'), '12/03/1990', null);
    expect(c.sentence).toBe('born "12/03/1990" is not a valid date in the format yyyy-MM-dd.');
    expect(c.expected).toEqual({ kind: 'format', text: 'date in the format yyyy-MM-dd' });
  });

  it('names the bound a value breaks, and the whole range', () => {
    const c = describeCheck(contract, v('age', 'OUT_OF_RANGE', 'age.maximum=130'), '200', null);
    expect(c.sentence).toBe('age "200" is out of range: it must be at most 130.');
    expect(c.expected).toEqual({ kind: 'range', text: '≥ 0 and ≤ 130' });
  });

  it('counts characters, not bytes, for a length', () => {
    const c = describeCheck(contract, v('code', 'LENGTH_VIOLATION', 'code.maxLength=3'), 'Zürü', null);
    expect(c.sentence).toBe('code "Zürü" is 4 characters; the contract allows at most 3.');
  });

  it('says a required value is missing', () => {
    expect(describeCheck(contract, v('id', 'REQUIRED_MISSING', 'id.required'), null, null).sentence).toBe('id is required, but this row has no value.');
  });

  it('names the value a misspelt determinant most likely is, and its support (FD_DETERMINANT_SUSPECT)', () => {
    const detail = JSON.stringify({ determinant: 'code', candidate: 'ami', support: 38, group: 1, distance: 1, oneToOne: 4, dependentTuples: 4 });
    const c = describeCheck(contract, { column: 'code', reason: 'FD_DETERMINANT_SUSPECT', rule: 'fd-determinant:code->state+age', detail }, 'axi', null);
    expect(c.sentence).toBe('code "axi" looks like a misspelling of "ami": this row\'s state + age are exactly what the 38 rows of code "ami" agree on, no other code has them, and the two are spelt almost alike.');
    expect(c.expected).toEqual({ kind: 'dependency', text: 'code "ami" (its rows share this row\'s state + age)' });
  });

  it('says when no value of a dependency group has a majority', () => {
    const group: RowGroup = {
      kind: 'dependency', rule: 'fd:id->state', key: [{ column: 'id', value: '7' }], dependent: 'state', columns: ['id', 'state'], size: 4,
      values: [{ value: 'al', count: 2, thisRow: false }, { value: 'ak', count: 2, thisRow: true }], rows: [], more: 0,
    };
    expect(describeCheck(contract, v('state', 'FD_VIOLATION', 'fd:id->state'), 'ak', group).sentence)
      .toBe('id → state: this row says "ak", 2 rows of the same id (id "7") say "al". No value holds more than half of the 4 rows, so every row of the group is held back.');
  });
});
