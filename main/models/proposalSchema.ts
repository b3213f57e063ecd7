// The shape a language model must answer in: one of the repair rule kinds, `expression` (a DuckDB
// scalar expression over the value) or `map` (a target for each of the cluster's failing values),
// as a JSON schema for grammar-constrained generation. The schema is built per cluster: a map's
// keys are exactly the failing values shown to the model, and its targets are the column's closed
// set when it has one, so a small model only chooses, it cannot invent a key or a duplicate.
// Every string is bounded: a model that never stops still finishes a parseable object.

export const PROPOSAL_LIMITS = { expression: 200, mapValue: 200 } as const;

/** A model's self-reported certainty, in words: small models write absurd numbers (1e15) otherwise. */
export const CONFIDENCE_WORDS = { low: 0.3, medium: 0.6, high: 0.9 } as const;
type ConfidenceWord = keyof typeof CONFIDENCE_WORDS;

/** Failing values a map may name at most (each is a key the model fills in). */
export const MAX_MAP_KEYS = 12;

export interface ProposalSchemaInput {
  /** the cluster's failing values shown to the model (NULL cannot be a key, so it is left out) */
  failingValues: string[];
  /** the column's closed set, when it has one: a map's targets are then only its members */
  allowedValues?: string[];
}

/** The keys a map answer has: the first MAX_MAP_KEYS distinct non-null failing values. */
export function mapKeys(failing: string[]): string[] {
  return [...new Set(failing)].slice(0, MAX_MAP_KEYS);
}

/**
 * Key order is generation order: the kind first (it decides the rest), the rule, then the
 * certainty. No free-text reasoning: a 135M model filled it with noise, and every token costs
 * time on two cores. A map is offered only for a column with a closed set, whose members are
 * its only targets (or null: "cannot be known"): a map of raw values cannot be reused on the next
 * file's values, and without the set a small model wrote nothing but nulls or noise into it.
 */
export function proposalSchema(input: ProposalSchemaInput) {
  const keys = mapKeys(input.failingValues);
  const confidence = { enum: Object.keys(CONFIDENCE_WORDS) };
  const expression = {
    type: 'object',
    properties: { kind: { const: 'expression' }, expression: { type: 'string', maxLength: PROPOSAL_LIMITS.expression }, confidence },
  };
  if (keys.length === 0 || !input.allowedValues?.length) return expression;
  const target = { enum: [...input.allowedValues, null] };
  const map = {
    type: 'object',
    properties: { kind: { const: 'map' }, map: { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, target])) }, confidence },
  };
  return { oneOf: [expression, map] };
}

/** A parsed answer: still only the model's words, not yet a rule (modelRule.ts makes it one). */
export type LlmProposal =
  | { kind: 'expression'; expression: string; confidence: number }
  | { kind: 'map'; map: Array<{ from: string; to: string }>; confidence: number };

/**
 * Clips to `max` code points. The grammar already bounds every string, but llama.cpp counts an
 * invalid UTF-8 sequence from the model as one character while JavaScript decodes each bad byte to
 * its own U+FFFD, so such (garbage) output can decode longer than the grammar allowed.
 */
function bounded(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? chars.slice(0, max).join('') : s;
}

/**
 * Parses generated text into a proposal, or explains why it is not one. Not the grammar's own
 * parse: that measures strings in UTF-16 units, so it rejects grammar-valid output holding
 * characters outside the BMP (see `bounded` for the other mismatch). A map line whose key is not
 * one of `failing` (when given) is refused: the grammar allowed only those, so anything else is
 * not this model's answer to this cluster.
 */
export function parseProposal(text: string, failing?: string[]): LlmProposal | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `model output is not complete JSON (${(e as Error).message})` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'model output is not a JSON object' };
  const o = value as Record<string, unknown>;
  const word = o.confidence;
  if (typeof word !== 'string' || !(word in CONFIDENCE_WORDS)) return { error: 'model output has no confidence "low", "medium" or "high"' };
  const confidence = CONFIDENCE_WORDS[word as ConfidenceWord];
  if (o.kind === 'expression') {
    if (typeof o.expression !== 'string') return { error: 'model output has no string "expression"' };
    const expression = bounded(o.expression.trim(), PROPOSAL_LIMITS.expression);
    if (!expression) return { error: 'model output has an empty expression' };
    return { kind: 'expression', expression, confidence };
  }
  if (o.kind === 'map') {
    const m = o.map;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return { error: 'model output has no object "map"' };
    const allowed = failing ? new Set(mapKeys(failing)) : null;
    const lines: Array<{ from: string; to: string }> = [];
    for (const [from, to] of Object.entries(m as Record<string, unknown>)) {
      if (allowed && !allowed.has(from)) return { error: `model output maps ${JSON.stringify(from.slice(0, 60))}, which is not a failing value of this cluster` };
      if (to === null) continue; // "cannot be recovered": no line
      if (typeof to !== 'string') return { error: `model output maps ${JSON.stringify(from.slice(0, 60))} to something other than text or null` };
      const target = bounded(to, PROPOSAL_LIMITS.mapValue);
      if (target !== from) lines.push({ from, to: target });
    }
    if (lines.length === 0) return { error: 'model output maps no failing value to a new one' };
    return { kind: 'map', map: lines, confidence };
  }
  return { error: 'model output has no kind "expression" or "map"' };
}
