// The contract's checks as dbt tests on the clean table, each named for the reason code Airlock
// writes when a row breaks it (`pattern_mismatch__hospital_clean__zip`), so that a failing test
// says what a quarantined row would say. Built-in tests where dbt has one (not_null, unique,
// accepted_values), the project's own generic tests (tests/generic/) for patterns, ranges,
// lengths, composite keys and functional dependencies.
import type { ColumnSpec, Contract } from '../../contract/types.js';
import { javaPattern } from './javaPattern.js';

type Test = Record<string, Record<string, unknown>>;

export interface ContractTests {
  columns: Array<{ name: string; quote: true; description?: string; data_tests: Test[] }>;
  model: Test[];
}

const TEXT_TYPES = new Set(['string', 'object', 'array']);

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
}

export function contractTests(contract: Contract, model: string): ContractTests {
  const used = new Set<string>();
  const name = (reason: string, what: string) => {
    const base = `${reason.toLowerCase()}__${model}__${slug(what)}`;
    let n = base;
    for (let k = 2; used.has(n); k++) n = `${base}_${k}`;
    used.add(n);
    return n;
  };
  const columns = contract.columns.map((c) => ({
    name: c.name, quote: true as const, ...(c.description ? { description: c.description } : {}), data_tests: columnTests(c, (r) => name(r, c.name)),
  }));
  const modelTests: Test[] = [];
  for (const q of contract.quality) {
    if (q.type === 'library' && q.metric === 'duplicateValues' && q.properties?.length) {
      modelTests.push({ airlock_unique_combination: { name: name('DUPLICATE_KEY', q.properties.join('_')), arguments: { columns: q.properties } } });
    }
  }
  for (const fd of contract.fds) {
    for (const dep of fd.dependent) {
      modelTests.push({ airlock_dependency: { name: name('FD_VIOLATION', `${fd.determinant.join('_')}_to_${dep}`), arguments: { determinant: fd.determinant, dependent: dep } } });
    }
  }
  return { columns, model: modelTests };
}

/**
 * The pattern test's arguments: the RE2 pattern DuckDB runs, and for Spark the Java pattern of
 * the same strings (javaPattern.ts) or why there is none. dbt renders Jinja in test arguments, so a
 * Java pattern holding a Jinja delimiter is not written (the contract's own text is checked in jinjaSafe.ts).
 */
function patternArguments(pattern: string): Record<string, unknown> {
  const java = javaPattern(pattern, true);
  if (java.ok && !/\{\{|\{%|\{#/.test(java.pattern)) return { pattern, java_pattern: java.pattern };
  return { pattern, java_refusal: java.ok ? 'the Java pattern holds a Jinja delimiter' : java.reason };
}

function columnTests(c: ColumnSpec, name: (reason: string) => string): Test[] {
  const tests: Test[] = [];
  const text = TEXT_TYPES.has(c.logicalType);
  if (c.required) tests.push({ not_null: { name: name('REQUIRED_MISSING') } });
  if (c.unique || c.primaryKey) tests.push({ unique: { name: name('DUPLICATE_KEY') } });
  // Patterns and sets judge the delivered text: on a typed column the clean value is no longer it.
  if (c.pattern && text) tests.push({ airlock_pattern: { name: name('PATTERN_MISMATCH'), arguments: patternArguments(c.pattern) } });
  if (c.enum && text) tests.push({ accepted_values: { name: name('NOT_IN_SET'), arguments: { values: c.enum, quote: true } } });
  if (c.minLength !== undefined || c.maxLength !== undefined) {
    tests.push({ airlock_length: { name: name('LENGTH_VIOLATION'), arguments: { ...(c.minLength !== undefined ? { min_length: c.minLength } : {}), ...(c.maxLength !== undefined ? { max_length: c.maxLength } : {}) } } });
  }
  const bounds = { minimum: c.minimum, maximum: c.maximum, exclusive_minimum: c.exclusiveMinimum, exclusive_maximum: c.exclusiveMaximum };
  const given = Object.fromEntries(Object.entries(bounds).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length) tests.push({ airlock_range: { name: name('OUT_OF_RANGE'), arguments: { logical_type: c.logicalType, ...given } } });
  for (const q of c.quality) {
    if (q.type !== 'library') continue;
    if (q.metric === 'invalidValues' && text) {
      if (q.validValues && q.name !== c.enumRule) tests.push({ accepted_values: { name: name('INVALID_VALUE'), arguments: { values: q.validValues, quote: true } } });
      if (q.pattern) tests.push({ airlock_pattern: { name: name('INVALID_VALUE'), arguments: patternArguments(q.pattern) } });
    }
    if (q.metric === 'nullValues') tests.push({ not_null: { name: name('NULL_VALUE') } });
    if (q.metric === 'duplicateValues') tests.push({ unique: { name: name('DUPLICATE_KEY') } });
  }
  return tests;
}
