// The prompt asking a language model for one repair rule for a cluster of failing values.
// Phi-3 chat format. Everything taken from the data or the contract is bounded in length and
// cannot forge a chat marker, so a hostile value cannot end the user turn early.
import { PROPOSAL_LIMITS } from './proposalSchema.js';

export interface ProposalPromptInput {
  column: {
    name: string;
    logicalType: string;
    pattern?: string;
    enum?: string[];
    description?: string;
    format?: string;
  };
  /** why the values fail, e.g. a reason code with its explanation */
  reason: string;
  /** representative failing values with how many rows hold each */
  samples: { value: string | null; count: number }[];
  /** the row's other columns, usable in the expression */
  otherColumns: string[];
}

const MAX_ENUM_VALUES = 30;
const MAX_SAMPLES = 20;
const MAX_OTHER_COLUMNS = 40;

/** Bounded, with chat markers ("<|") broken so only this file's markers are special tokens. */
function clip(text: string, max: number): string {
  const chars = [...text];
  const cut = chars.length > max ? chars.slice(0, max).join('') + '…' : text;
  return cut.replaceAll('<|', '< |');
}

const quoted = (text: string, max: number) => JSON.stringify(clip(text, max));
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function buildProposalPrompt(input: ProposalPromptInput): string {
  const { column } = input;
  const lines: string[] = [
    'You repair values in one column of a table so that they satisfy a data contract.',
    'Write ONE DuckDB scalar SQL expression that turns a failing value into a valid one.',
    '',
    `Column: ${clip(ident(column.name), 120)} (logical type: ${clip(column.logicalType, 20)})`,
  ];
  if (column.description) lines.push(`Description: ${clip(column.description, 300)}`);
  if (column.pattern) lines.push(`Must match the regular expression: ${clip(column.pattern, 300)}`);
  if (column.format) lines.push(`Format (strftime): ${clip(column.format, 60)}`);
  if (column.enum?.length) {
    const shown = column.enum.slice(0, MAX_ENUM_VALUES).map((v) => quoted(v, 60));
    const more = column.enum.length > MAX_ENUM_VALUES ? ` (${MAX_ENUM_VALUES} of ${column.enum.length} shown)` : '';
    lines.push(`Allowed values${more}: ${shown.join(', ')}`);
  }
  lines.push(`Why the values fail: ${clip(input.reason, 300)}`);
  lines.push('Failing values (value: rows):');
  for (const s of input.samples.slice(0, MAX_SAMPLES)) {
    lines.push(`  ${s.value === null ? 'NULL' : quoted(s.value, 100)}: ${s.count}`);
  }
  if (input.samples.length > MAX_SAMPLES) lines.push(`  ... and ${input.samples.length - MAX_SAMPLES} more distinct values`);
  const others = input.otherColumns.slice(0, MAX_OTHER_COLUMNS).map((c) => clip(ident(c), 80));
  lines.push(`Other columns of the row: ${others.length ? others.join(', ') : '(none)'}`);
  lines.push(
    '',
    'Rules:',
    `- The expression is evaluated once per row. Refer to columns by double-quoted name, e.g. ${clip(ident(column.name), 120)}.`,
    '- Every column is VARCHAR, exactly as it arrived. The expression must return VARCHAR text that satisfies the contract, or NULL when the value cannot be recovered.',
    '- Use only DuckDB scalar functions and operators (trim, lower, upper, replace, regexp_replace, regexp_extract, strptime, strftime, TRY_CAST, CASE ... END). No SELECT, no subqueries, no aggregates, no semicolons.',
    `- "expression": at most ${PROPOSAL_LIMITS.expression} characters.`,
    `- "where": a SQL condition choosing which failing rows the expression applies to, or "" for all of them (at most ${PROPOSAL_LIMITS.where} characters).`,
    '- "confidence": a number from 0 to 1: how sure you are that the expression fixes these values correctly.',
    `- "reasoning": one short sentence (at most ${PROPOSAL_LIMITS.reasoning} characters).`,
    `- "patternType": a short label for the kind of problem, e.g. unit_suffix, date_format, case, whitespace, typo, placeholder (at most ${PROPOSAL_LIMITS.patternType} characters).`,
    'Answer with one JSON object with the keys patternType, reasoning, expression, where, confidence.',
  );
  return `<|user|>\n${lines.join('\n')}<|end|>\n<|assistant|>\n`;
}
