// Each failed check of a row in words an analyst can act on, with what the contract expected.
// Built from the violation the validator recorded (column, reason, rule, detail), the column's
// spec, and for a dependency or key the group the row was judged with.
import type { ColumnSpec, Contract } from '../../contract/types.js';
import type { RowCheck, RowGroup } from '../contract.js';

const q = (v: string | null) => (v === null ? 'empty' : JSON.stringify(v));
const MEMBERS_IN_SENTENCE = 8;

function rowsWord(n: number): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}

function setText(members: string[]): string {
  const shown = members.slice(0, MEMBERS_IN_SENTENCE).map((m) => JSON.stringify(m)).join(', ');
  return members.length > MEMBERS_IN_SENTENCE ? `${shown}, … (${members.length} values)` : shown;
}

function typeText(col: ColumnSpec): string {
  return `${col.logicalType}${col.format ? ` in the format ${col.formatSource ?? col.format}` : ''}`;
}

/** `zip → city: this row says X, 14 rows of the same zip say Y`. */
function dependencySentence(group: RowGroup): string {
  const det = group.key.map((k) => k.column).join(' + ');
  const head = `${det} → ${group.dependent}`;
  const mine = group.values.find((v) => v.thisRow);
  const others = group.values.filter((v) => !v.thisRow);
  const keyText = group.key.map((k) => `${k.column} ${q(k.value)}`).join(', ');
  if (others.length === 0) return `${head}: this row says ${q(mine?.value ?? null)}, and so do the other rows of ${keyText}.`;
  const top = others[0];
  const said = `${rowsWord(top.count)} of the same ${det} (${keyText}) say ${q(top.value)}`;
  const rest = others.length > 1 ? `; ${others.slice(1, 4).map((o) => `${o.count} say ${q(o.value)}`).join(', ')}${others.length > 4 ? ', …' : ''}` : '';
  const majority = 2 * top.count > group.size ? '' : ` No value holds more than half of the ${group.size} rows, so every row of the group is held back.`;
  return `${head}: this row says ${q(mine?.value ?? null)}, ${said}${rest}.${majority}`;
}

/**
 * `code "axi-4" looks like a misspelling of "ami-4": …`, from the violation's detail (the candidate
 * key and its rows) and its rule (`fd-determinant:code->name+topic`).
 */
function determinantSuspectWords(rule: string, detail: string | null, name: string, value: string | null): Pick<RowCheck, 'sentence' | 'expected'> {
  let d: { candidate?: string; support?: number } = {};
  try {
    d = detail ? (JSON.parse(detail) as typeof d) : {};
  } catch {
    d = {};
  }
  const deps = (rule.split('->')[1] ?? '').split('+').filter(Boolean).join(' + ') || 'dependent columns';
  if (!d.candidate) return { sentence: `${name} ${q(value)} looks like a misspelling of another, well-supported value: its ${deps} are exactly that value's.`, expected: { kind: 'dependency', text: `the ${name} whose rows share this row's ${deps}` } };
  return {
    sentence: `${name} ${q(value)} looks like a misspelling of ${q(d.candidate)}: this row's ${deps} are exactly what the ${rowsWord(Number(d.support ?? 0))} of ${name} ${q(d.candidate)} agree on, no other ${name} has them, and the two are spelt almost alike.`,
    expected: { kind: 'dependency', text: `${name} ${q(d.candidate)} (its rows share this row's ${deps})` },
  };
}

function variantDetail(detail: string | null): { dominant?: string; support?: number } | null {
  if (!detail) return null;
  try {
    const o = JSON.parse(detail) as { dominant?: unknown; support?: unknown };
    return { ...(typeof o.dominant === 'string' ? { dominant: o.dominant } : {}), ...(typeof o.support === 'number' ? { support: o.support } : {}) };
  } catch {
    return null;
  }
}

export function describeCheck(contract: Contract, v: { column: string; reason: string; rule: string; detail: string | null }, value: string | null, group: RowGroup | null): RowCheck {
  const col = contract.columns.find((c) => c.name === v.column);
  const base = { column: v.column, reason: v.reason, rule: v.rule, value };
  const name = v.column;
  switch (v.reason) {
    case 'REQUIRED_MISSING':
      return { ...base, sentence: value === null || value.trim() === '' ? `${name} is required, but this row has no value.` : `${name} is required, and ${q(value)} is one of the contract's tokens for no value.`, expected: { kind: 'required', text: 'a value (required)' } };
    case 'TYPE_MISMATCH':
      return { ...base, sentence: `${name} ${q(value)} is not a valid ${col ? typeText(col) : 'value of the column\'s type'}.`, expected: col ? { kind: col.format ? 'format' : 'type', text: typeText(col) } : null };
    case 'PATTERN_MISMATCH':
      return { ...base, sentence: `${name} ${q(value)} does not match the pattern ${col?.pattern ?? v.detail ?? '(unknown)'}.`, expected: { kind: 'pattern', text: col?.pattern ?? v.detail ?? '' } };
    case 'NOT_IN_SET': {
      const members = col?.enum ?? [];
      return { ...base, sentence: `${name} ${q(value)} is not one of the ${members.length} allowed values: ${setText(members)}.`, expected: { kind: 'set', text: `one of ${members.length} values`, members } };
    }
    case 'INVALID_VALUE': {
      const check = col?.quality.find((x) => x.name === v.rule);
      const members = check?.validValues;
      const pattern = check?.pattern;
      const wants = [members ? `one of ${setText(members)}` : '', pattern ? `a match of ${pattern}` : ''].filter(Boolean).join(', or ');
      return { ...base, sentence: `${name} ${q(value)} is not a valid value for the check ${v.rule}${wants ? `: it must be ${wants}` : ''}.`, expected: members ? { kind: 'set', text: `one of ${members.length} values`, members } : pattern ? { kind: 'pattern', text: pattern } : null };
    }
    case 'LENGTH_VIOLATION': {
      const [, which, n] = /\.(minLength|maxLength)=(\d+)$/.exec(v.rule) ?? [];
      const len = value === null ? 0 : [...value].length;
      return { ...base, sentence: `${name} ${q(value)} is ${len} characters; the contract allows ${which === 'minLength' ? 'at least' : 'at most'} ${n}.`, expected: { kind: 'length', text: `${which === 'minLength' ? 'at least' : 'at most'} ${n} characters` } };
    }
    case 'OUT_OF_RANGE': {
      const [, which, bound] = /\.(minimum|maximum|exclusiveMinimum|exclusiveMaximum)=(.*)$/.exec(v.rule) ?? [];
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      const range = [col?.minimum !== undefined ? `≥ ${col.minimum}` : '', col?.exclusiveMinimum !== undefined ? `> ${col.exclusiveMinimum}` : '', col?.maximum !== undefined ? `≤ ${col.maximum}` : '', col?.exclusiveMaximum !== undefined ? `< ${col.exclusiveMaximum}` : ''].filter(Boolean).join(' and ');
      return { ...base, sentence: `${name} ${q(value)} is out of range: it must be ${words[which] ?? 'within'} ${bound ?? range}.`, expected: { kind: 'range', text: range || `${which} ${bound}` } };
    }
    case 'NULL_VALUE':
      return { ...base, sentence: `${name} has no value, and the check ${v.rule} allows none to be missing.`, expected: { kind: 'required', text: 'a value' } };
    case 'DUPLICATE_KEY': {
      const others = group?.rows.filter((r) => !r.self).map((r) => r.rowId) ?? [];
      const key = group ? group.key.map((k) => `${k.column} ${q(k.value)}`).join(', ') : `${name} ${q(value)}`;
      const earlier = others.length ? ` row${others.length === 1 ? '' : 's'} ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''} hold${others.length === 1 ? 's' : ''} it too` : ' another row holds it too';
      return { ...base, sentence: `${key} must be unique (${v.rule}), but${earlier}; the first row keeps it, later ones are held back.`, expected: { kind: 'unique', text: 'a value no other row holds' } };
    }
    case 'FD_VIOLATION':
      return {
        ...base,
        sentence: group ? dependencySentence(group) : `${v.rule.replace(/^fd:/, '').replace('->', ' → ')}: this row disagrees with the other rows of its group.`,
        expected: { kind: 'dependency', text: group ? `the value the rows of ${group.key.map((k) => `${k.column} ${q(k.value)}`).join(', ')} agree on` : 'the value the group agrees on' },
      };
    case 'FD_DETERMINANT_SUSPECT':
      return { ...base, ...determinantSuspectWords(v.rule, v.detail, name, value) };
    case 'LIKELY_VARIANT': {
      const d = variantDetail(v.detail);
      const to = d?.dominant ?? col?.variants?.find((x) => x.from === value)?.to;
      const support = d?.support !== undefined ? ` (${rowsWord(d.support)} of this batch)` : '';
      return {
        ...base,
        sentence: to !== undefined
          ? `${name} ${q(value)} looks like a rare spelling of ${q(to)}, which the column holds far more often${support}; it is held back until a rule or the analyst settles it.`
          : `${name} ${q(value)} looks like a rare spelling of a value the column holds far more often.`,
        expected: { kind: 'set', text: to !== undefined ? `the column's usual spelling, ${q(to)}` : "the column's usual spelling" },
      };
    }
    case 'MALFORMED_RECORD':
      return { ...base, sentence: `The record could not be read as CSV: ${v.detail ?? v.rule}.`, expected: { kind: 'record', text: `a record with the header's ${contract.columns.length} fields, quotes closed` } };
    case 'REJECTED_BY_ANALYST':
      return { ...base, sentence: 'The analyst rejected the whole batch this row came in, so it was held back with the rest.', expected: null };
    default:
      return { ...base, sentence: `${name}: ${v.reason.replace(/_/g, ' ').toLowerCase()} (${v.rule}).`, expected: null };
  }
}
