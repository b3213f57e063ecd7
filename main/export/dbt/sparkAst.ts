// Small constructors and readers for @polyglot-sql/sdk's AST (its JSON form: every node is an
// object with one key, the node's kind, holding the node's fields). The Spark rewrites build
// their replacement nodes with these instead of editing SQL text.

/** One node of the SDK's AST: `{ kind: fields }`. */
export type AstNode = Record<string, unknown>;

/** The node's kind and fields, or null when the value is not a node. */
export function nodeOf(value: unknown): { kind: string; fields: Record<string, unknown> } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const kind = keys[0]!;
  const fields = (value as Record<string, unknown>)[kind];
  // `null` and `boolean` literals carry a null or a small object; both are nodes
  if (fields === null) return { kind, fields: {} };
  if (typeof fields !== 'object' || Array.isArray(fields)) return null;
  return { kind, fields: fields as Record<string, unknown> };
}

export function fn(name: string, args: unknown[]): AstNode {
  return {
    function: { name, args, distinct: false, use_bracket_syntax: false, no_parens: false, quoted: false },
  };
}

export function stringLit(value: string): AstNode {
  return { literal: { literal_type: 'string', value } };
}

export function numberLit(value: string): AstNode {
  return { literal: { literal_type: 'number', value } };
}

/** The text of a string literal node, or null when the node is anything else. */
export function stringValue(value: unknown): string | null {
  const n = nodeOf(value);
  if (!n || n.kind !== 'literal' || n.fields.literal_type !== 'string') return null;
  return typeof n.fields.value === 'string' ? n.fields.value : null;
}

/** The value of a literal whole number (optionally negated), or null for anything else. */
export function integerValue(value: unknown): number | null {
  const n = nodeOf(value);
  if (!n) return null;
  if (n.kind === 'paren') return integerValue(n.fields.this);
  if (n.kind === 'neg') {
    const inner = integerValue(n.fields.this);
    return inner === null ? null : -inner;
  }
  if (n.kind !== 'literal' || n.fields.literal_type !== 'number' || typeof n.fields.value !== 'string') return null;
  return /^[0-9]{1,9}$/.test(n.fields.value) ? Number(n.fields.value) : null;
}
