// A language model's parsed answer becomes a typed rule (rules/ruleTypes.ts) here, and from then
// on it is judged as any other proposal: the rule gate (validateRule, the SQL sandbox for an
// expression), verification on its cluster and the harm guard. Nothing here trusts the answer;
// it only renames: the model writes `x` for the failing value, the rule names the column.
import type { LlmProposal } from '../models/proposalSchema.js';
import { sqlIdent } from '../store/duckdb.js';
import type { TypedRule } from './rules/ruleTypes.js';

/**
 * `x` as a bare identifier becomes the quoted column; text in quotes ('...' literals, "..."
 * identifiers) is left alone, as are `x(` (a function) and `a.x` (a qualified name, which the
 * sandbox judges).
 */
export function substituteValue(expression: string, column: string): string {
  const col = sqlIdent(column);
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (ch === "'" || ch === '"') {
      // a quoted run, with its doubled-quote escapes, copied as it is (unterminated: to the end)
      let j = i + 1;
      while (j < expression.length) {
        if (expression[j] === ch) {
          if (expression[j + 1] === ch) { j += 2; continue; }
          break;
        }
        j += 1;
      }
      out += expression.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(expression.slice(i));
    if (word) {
      const before = out.trimEnd().slice(-1);
      const after = expression.slice(i + word[0].length).trimStart()[0];
      const isValue = (word[0] === 'x' || word[0] === 'X') && before !== '.' && after !== '(' && after !== '.';
      out += isValue ? col : word[0];
      i += word[0].length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

/** The rule the answer stands for, on `column`. A map matches the raw failing values exactly. */
export function ruleFromProposal(p: LlmProposal, column: string): TypedRule {
  if (p.kind === 'expression') return { kind: 'expression', set: { [column]: substituteValue(p.expression, column) } };
  return { kind: 'map', column, match: 'exact', entries: p.map.map((e) => ({ from: e.from, to: e.to })) };
}
