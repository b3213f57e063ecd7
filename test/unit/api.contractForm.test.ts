// The Contract screen's form and YAML: a form edit changes only what it changed in the YAML,
// the result still loads, and a drift is turned into a reviewed new version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { applyForm, formOfContract } from '../../main/api/contractForm.js';
import { contractMatchingHeader, nextMinorVersion } from '../../main/api/driftContract.js';
import { SHARED } from '../helpers/tmp.js';

const HOSPITAL = readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8');

describe('formOfContract / applyForm', () => {
  it('an unchanged form leaves the YAML byte for byte', () => {
    const form = formOfContract(parseContract(HOSPITAL));
    expect(form.columns).toHaveLength(20);
    expect(applyForm(HOSPITAL, form)).toBe(HOSPITAL);
  });

  it('writes each kind of edit where the engine reads it, keeping comments and other keys', () => {
    const form = formOfContract(parseContract(HOSPITAL));
    const col = (name: string) => form.columns.find((c) => c.name === name)!;
    col('zip').pattern = '\\d{5}(-\\d{4})?';
    col('address_2').required = true;
    col('address_3').logicalType = 'integer';
    col('index').minimum = '1';
    col('index').maximum = '1000';
    col('emergency_service').enum = ['yes', 'no', 'unknown'];
    col('county').pii = 'address';
    col('phone').pii = '';
    form.version = '1.1.0';
    form.dependencies = form.dependencies.slice(0, 1);
    const yaml = applyForm(HOSPITAL, form);
    expect(yaml).toContain('# US hospital quality measures');
    const c = parseContract(yaml);
    const by = (name: string) => c.columns.find((x) => x.name === name)!;
    expect(by('zip').pattern).toBe('\\d{5}(-\\d{4})?');
    expect(by('address_2').required).toBe(true);
    expect(by('address_3').logicalType).toBe('integer');
    expect(by('index')).toMatchObject({ logicalType: 'integer', minimum: 1, maximum: 1000 });
    expect(by('emergency_service').enum).toEqual(['yes', 'no', 'unknown']);
    expect(by('county').pii).toBe('address');
    expect(by('phone').pii).toBeUndefined();
    expect(c.version).toBe('1.1.0');
    expect(c.fds).toHaveLength(1);
    // Untouched columns keep their rules.
    expect(by('state').enum).toHaveLength(51);
    expect(by('provider_number').pattern).toBe('\\d{5}');
  });

  it('refuses a value the engine would refuse, naming the line', () => {
    const form = formOfContract(parseContract(HOSPITAL));
    form.columns.find((c) => c.name === 'zip')!.pattern = '([';
    expect(() => applyForm(HOSPITAL, form)).toThrow(/contract:\d+: .*not a valid regular expression/);
    const stale = formOfContract(parseContract(HOSPITAL));
    stale.columns = stale.columns.slice(1);
    expect(() => applyForm(HOSPITAL, stale)).toThrow(/columns changed since the form was filled in/);
  });
});

describe('contractMatchingHeader', () => {
  it('renames, adds and drops columns to match the file, one minor version up', () => {
    const c = parseContract(HOSPITAL);
    const header = c.columns.map((x) => x.name).filter((n) => n !== 'sample').map((n) => (n === 'zip' ? 'zipcode' : n));
    header.push('notes');
    const next = contractMatchingHeader(HOSPITAL, header, 'drifted.csv');
    expect(next.version).toBe('1.1.0');
    expect(next.changes).toEqual(['renamed zip to zipcode', 'added notes (optional text)', 'dropped sample']);
    const evolved = parseContract(next.yaml);
    expect(evolved.columns.map((x) => x.name)).toEqual(header);
    // The renamed column keeps its rule; dependencies follow the rename.
    expect(evolved.columns.find((x) => x.name === 'zipcode')!.pattern).toBe('\\d{5}');
    expect(evolved.fds.some((fd) => fd.determinant.includes('zipcode') || fd.dependent.includes('zipcode'))).toBe(true);
    expect(evolved.fds.every((fd) => ![...fd.determinant, ...fd.dependent].includes('zip'))).toBe(true);
    expect(next.yaml).toContain('accepted from a schema drift in drifted.csv');
  });

  it('bumps the minor version', () => {
    expect(nextMinorVersion('1.0.0')).toBe('1.1.0');
    expect(nextMinorVersion('2.7.3')).toBe('2.8.0');
    expect(nextMinorVersion('draft')).toBe('0.1.0');
  });
});
