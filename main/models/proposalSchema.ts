// The shape a language model must answer in, as a JSON schema for grammar-constrained generation.
// Every string is bounded: a model that never stops (random test weights, a confused small model)
// still finishes a complete, parseable object.

export const PROPOSAL_LIMITS = { patternType: 40, reasoning: 200, expression: 200, where: 200 } as const;

/** Key order is generation order: naming the problem and reasoning first helps a small model. */
export const PROPOSAL_SCHEMA = {
  type: 'object',
  properties: {
    patternType: { type: 'string', maxLength: PROPOSAL_LIMITS.patternType },
    reasoning: { type: 'string', maxLength: PROPOSAL_LIMITS.reasoning },
    expression: { type: 'string', maxLength: PROPOSAL_LIMITS.expression },
    where: { type: 'string', maxLength: PROPOSAL_LIMITS.where },
    confidence: { type: 'number' },
  },
} as const;

export interface LlmProposal {
  /** DuckDB scalar SQL expression over the row's columns producing the new value */
  expression: string;
  /** optional SQL condition narrowing the rows; absent when the model answered "" */
  where?: string;
  /** 0..1 */
  confidence: number;
  reasoning: string;
  patternType: string;
}

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
 * characters outside the BMP (see `bounded` for the other mismatch).
 */
export function parseProposal(text: string): LlmProposal | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `model output is not complete JSON (${(e as Error).message})` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'model output is not a JSON object' };
  const o = value as Record<string, unknown>;
  const strings: Partial<Record<keyof typeof PROPOSAL_LIMITS, string>> = {};
  for (const [key, max] of Object.entries(PROPOSAL_LIMITS) as [keyof typeof PROPOSAL_LIMITS, number][]) {
    const v = o[key];
    if (typeof v !== 'string') return { error: `model output has no string "${key}"` };
    strings[key] = bounded(v.trim(), max);
  }
  if (typeof o.confidence !== 'number' || Number.isNaN(o.confidence)) return { error: 'model output has no number "confidence"' };
  if (!strings.expression) return { error: 'model output has an empty expression' };
  return {
    expression: strings.expression,
    ...(strings.where ? { where: strings.where } : {}),
    // JSON allows 1e999 (Infinity) and any range; a proposal's confidence is 0..1.
    confidence: Math.min(1, Math.max(0, o.confidence)),
    reasoning: strings.reasoning ?? '',
    patternType: strings.patternType ?? '',
  };
}
