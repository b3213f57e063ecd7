// The API's input schemas: every call's input is checked for shape, type and size before the
// engine sees it, and the message names the field.
import { describe, expect, it } from 'vitest';
import { API, CALL_NAMES, checkInput, isCallName } from '../../main/api/contract.js';
import { array, number, object, optional, string, variant } from '../../main/api/schema.js';

describe('schema helpers', () => {
  it('rejects unknown fields, missing fields and wrong types, naming the field', () => {
    const s = object({ a: string({ max: 5 }), b: optional(number({ min: 0 })) });
    expect(s.parse({ a: 'x' })).toEqual({ a: 'x' });
    expect(() => s.parse({ a: 'x', c: 1 })).toThrow('c: is not a known field');
    expect(() => s.parse({})).toThrow('a: expected text, got a undefined');
    expect(() => s.parse({ a: 'toolong' })).toThrow('a: is 7 characters, more than the 5 allowed');
    expect(() => s.parse({ a: 'x', b: -1 })).toThrow('b: must be at least 0');
    expect(() => s.parse({ a: 'x', b: Number.NaN })).toThrow('b: expected a number');
    expect(() => s.parse(null)).toThrow('expected an object, got null');
    expect(() => s.parse([])).toThrow('expected an object, got a list');
  });

  it('bounds lists and tells variants apart by kind', () => {
    expect(() => array(string({ max: 3 }), 2).parse(['a', 'b', 'c'])).toThrow('has 3 items, more than the 2 allowed');
    const v = variant({ none: object({}), some: object({ n: number() }) });
    expect(v.parse({ kind: 'some', n: 2 })).toEqual({ kind: 'some', n: 2 });
    expect(() => v.parse({ kind: 'other' })).toThrow('kind: must be one of none, some');
    expect(() => v.parse({ kind: 'none', n: 1 })).toThrow('n: is not a known field');
  });
});

describe('the API contract', () => {
  it('has one schema per call and no unknown names', () => {
    expect(CALL_NAMES.length).toBe(Object.keys(API).length);
    expect(isCallName('runFile')).toBe(true);
    expect(isCallName('toString')).toBe(false);
    expect(isCallName('__proto__')).toBe(false);
  });

  it('accepts a well-formed run and refuses a malformed one', () => {
    const good = { file: '/data/a.csv', contractPath: '/data/c.yaml', approval: { kind: 'min-confidence', min: 0.9 }, useModels: false };
    expect(checkInput('runFile', good)).toEqual({ ok: true, value: good });
    expect(checkInput('runFile', { ...good, approval: { kind: 'min-confidence', min: 2 } })).toEqual({ ok: false, message: 'runFile: approval.min: must be at most 1' });
    expect(checkInput('runFile', { ...good, useModels: 'yes' })).toMatchObject({ ok: false, message: expect.stringContaining('useModels: expected true or false') });
    expect(checkInput('runFile', { ...good, shell: 'rm -rf /' })).toMatchObject({ ok: false, message: expect.stringContaining('shell: is not a known field') });
  });

  it('refuses a run id that could be anything but an id, and pages beyond the page size', () => {
    expect(checkInput('getRun', { runId: "x'; DROP TABLE runs; --" })).toMatchObject({ ok: false, message: expect.stringContaining('runId: does not look right') });
    expect(checkInput('quarantinePage', { runId: 'run_1', offset: 0, limit: 5000, filter: {} })).toMatchObject({ ok: false, message: expect.stringContaining('limit: must be at most 1000') });
    expect(checkInput('quarantinePage', { runId: 'run_1', offset: 1.5, limit: 10, filter: {} })).toMatchObject({ ok: false, message: expect.stringContaining('offset: must be a whole number') });
  });

  it('limits a rule to a handful of columns and bounded expressions', () => {
    const set = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`c${i}`, 'x']));
    expect(checkInput('checkRule', { runId: 'r', set })).toMatchObject({ ok: false, message: expect.stringContaining('has 21 keys') });
    expect(checkInput('checkRule', { runId: 'r', set: { city: 'x'.repeat(20_001) } })).toMatchObject({ ok: false, message: expect.stringContaining('more than the 20000 allowed') });
    expect(checkInput('checkRule', { runId: 'r', set: { city: "upper(city)" }, where: 'city IS NOT NULL' })).toMatchObject({ ok: true });
  });
});
