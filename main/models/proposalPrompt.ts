// The prompt asking a language model for one repair rule for a cluster of failing values: the
// contract's rules for the column, the failing values and some valid ones, and the two answer
// forms. It is plain text for a system and a user turn; the chat template comes from the GGUF
// (llama.ts), and text never becomes a special token there, so a hostile value cannot forge a
// chat marker. Everything from the data or the contract is bounded in length: a small prompt is
// a fast prompt on a 2-core machine.
import { MAX_MAP_KEYS, PROPOSAL_LIMITS } from './proposalSchema.js';

export interface ProposalPromptInput {
  column: {
    name: string;
    logicalType: string;
    required?: boolean;
    pattern?: string;
    enum?: string[];
    description?: string;
    format?: string;
    minimum?: number | string;
    maximum?: number | string;
    exclusiveMinimum?: number | string;
    exclusiveMaximum?: number | string;
    minLength?: number;
    maxLength?: number;
  };
  /** why the values fail, e.g. a reason code with its explanation */
  reason: string;
  /** representative failing values with how many rows hold each */
  samples: { value: string | null; count: number }[];
  /** the column's most common values among rows that pass its checks */
  validSamples?: { value: string; count: number }[];
}

export interface ProposalPrompt {
  system: string;
  /** worked examples, as earlier turns of the chat: a small model copies a shape it has seen */
  examples: Array<{ user: string; answer: string }>;
  user: string;
}

const MAX_ENUM_VALUES = 30;
const MAX_VALID_SAMPLES = 8;

/** Bounded; chat markers of the common templates are broken as well, for a template that renders text raw. */
function clip(text: string, max: number): string {
  const chars = [...text];
  const cut = chars.length > max ? chars.slice(0, max).join('') + '…' : text;
  return cut.replaceAll('<|', '< |').replaceAll('<start_of_turn>', '< start_of_turn>').replaceAll('<end_of_turn>', '< end_of_turn>');
}

const quoted = (text: string, max: number) => JSON.stringify(clip(text, max));

const SYSTEM = [
  'You repair the values of one column of a table so that they satisfy the data contract.',
  'You answer with one JSON object: a repair rule, never prose.',
].join(' ');

/** The contract's rules for the column, one line each. */
function ruleLines(c: ProposalPromptInput['column']): string[] {
  const lines = [`- type: ${clip(c.logicalType, 20)}${c.required ? ', required' : ''}`];
  if (c.description) lines.push(`- meaning: ${clip(c.description, 200)}`);
  if (c.pattern) lines.push(`- must fully match the regular expression ${clip(c.pattern, 200)}`);
  if (c.format) lines.push(`- written in the format ${clip(c.format, 60)} (DuckDB strftime)`);
  const bound = (label: string, v: number | string | undefined) => (v === undefined ? [] : [`${label} ${clip(String(v), 40)}`]);
  const range = [...bound('>=', c.minimum), ...bound('>', c.exclusiveMinimum), ...bound('<=', c.maximum), ...bound('<', c.exclusiveMaximum)];
  if (range.length) lines.push(`- value ${range.join(' and ')}`);
  if (c.minLength !== undefined || c.maxLength !== undefined) lines.push(`- length ${c.minLength ?? 0} to ${c.maxLength ?? 'any'} characters`);
  if (c.enum?.length) {
    const shown = c.enum.slice(0, MAX_ENUM_VALUES).map((v) => quoted(v, 60));
    const more = c.enum.length > MAX_ENUM_VALUES ? ` (${MAX_ENUM_VALUES} of ${c.enum.length} shown)` : '';
    lines.push(`- one of${more}: ${shown.join(', ')}`);
  }
  return lines;
}

function clusterText(input: ProposalPromptInput): string {
  const { column } = input;
  const lines: string[] = [`Column ${quoted(column.name, 120)}. The contract says:`, ...ruleLines(column)];
  lines.push(`Why these values fail: ${clip(input.reason, 200)}`);
  lines.push('Failing values (value: rows):');
  const shown = input.samples.slice(0, MAX_MAP_KEYS);
  for (const s of shown) lines.push(`  ${s.value === null ? 'NULL' : quoted(s.value, 100)}: ${s.count}`);
  if (input.samples.length > shown.length) lines.push(`  ... and ${input.samples.length - shown.length} more distinct values`);
  const valid = (input.validSamples ?? []).slice(0, MAX_VALID_SAMPLES);
  if (valid.length) lines.push(`Valid values (value: rows): ${valid.map((v) => `${quoted(v.value, 60)}: ${v.count}`).join(', ')}`);
  return lines.join('\n');
}

// One example of each answer kind, on columns unlike the benchmark tables' (no answer to copy).
const EXAMPLES: ProposalPrompt['examples'] = [
  {
    user: clusterText({
      column: { name: 'part_code', logicalType: 'string', pattern: '[A-Z]{3}-[0-9]{3}' },
      reason: 'PATTERN_MISMATCH: the value does not fully match the required pattern',
      samples: [{ value: 'abc-123', count: 4 }, { value: ' XYZ-981', count: 2 }],
      validSamples: [{ value: 'QRS-404', count: 9 }, { value: 'KLM-220', count: 5 }],
    }),
    answer: '{"kind": "expression", "expression": "upper(trim(x))", "confidence": "high"}',
  },
  {
    user: clusterText({
      column: { name: 'size', logicalType: 'string', enum: ['small', 'medium', 'large'] },
      reason: 'NOT_IN_SET: the value is not one of the allowed values',
      samples: [{ value: 'sm', count: 3 }, { value: 'L', count: 2 }, { value: 'med.', count: 1 }],
      validSamples: [{ value: 'medium', count: 20 }, { value: 'small', count: 11 }, { value: 'large', count: 7 }],
    }),
    answer: '{"kind": "map", "map": {"sm": "small", "L": "large", "med.": "medium"}, "confidence": "medium"}',
  },
];

const SYSTEM_RULES = [
  SYSTEM,
  'Two kinds of rule:',
  `- {"kind": "expression", "expression": E, "confidence": C}: E is a DuckDB scalar SQL expression in which x is the failing value (text); it returns the valid text. For example trim(lower(x)), regexp_replace(x, '[^0-9.]', '', 'g'), strftime(strptime(x, '%d/%m/%Y'), '%Y-%m-%d'). No SELECT, no semicolons, at most ${PROPOSAL_LIMITS.expression} characters.`,
  '- {"kind": "map", "map": {failing value: valid value, ...}, "confidence": C}, only for a column with a list of allowed values: the allowed value each failing value stands for, or null when it cannot be known.',
  'C is "low", "medium" or "high".',
].join('\n');

/**
 * The example nearer the cluster goes last, where a small model looks: the map for a column with
 * a closed set, the expression otherwise.
 */
export function buildProposalPrompt(input: ProposalPromptInput): ProposalPrompt {
  const [expression, map] = EXAMPLES;
  return { system: SYSTEM_RULES, examples: input.column.enum?.length ? [expression, map] : [map, expression], user: clusterText(input) };
}
