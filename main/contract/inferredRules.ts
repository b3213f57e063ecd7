// Reads and counts the rules `airlock profile` inferred (customProperties `inferred` on a
// property, `inferred` on a functional dependency). They are ordinary contract rules, enforced
// like any other; the marker only records that no analyst has confirmed them yet, with the
// evidence the profiler decided from, so that the contract screen can ask and a run can say so.
import type { Contract, InferredRule } from './types.js';

type Json = unknown;

/** One inferred rule from its YAML form; `fail` names the path of a malformed one. */
export function readInferredRule(v: Json, fail: (why: string) => never): InferredRule {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail('an inferred rule must be a mapping with rule, share, evidence and confirmed');
  const o = v as Record<string, Json>;
  const rule = typeof o.rule === 'string' && o.rule.trim() ? o.rule : fail('an inferred rule needs `rule` (what was inferred: type, pattern, validValues, …)');
  const share = typeof o.share === 'number' && o.share >= 0 && o.share <= 1 ? o.share : o.share === undefined ? 1 : fail('`share` must be a number from 0 to 1');
  const evidence = typeof o.evidence === 'string' ? o.evidence : '';
  const counterexamples = Array.isArray(o.counterexamples) ? o.counterexamples.map((x) => (x === null ? '' : String(x))) : [];
  if (o.confirmed !== undefined && typeof o.confirmed !== 'boolean') fail('`confirmed` must be true or false');
  return { rule, share, evidence, counterexamples, confirmed: o.confirmed === true };
}

/** A column's list of inferred rules. */
export function readInferredList(v: Json, fail: (why: string) => never): InferredRule[] {
  if (!Array.isArray(v)) fail('inferred must be a list of {rule, share, evidence, confirmed}');
  return (v as Json[]).map((x) => readInferredRule(x, fail));
}

/** The YAML form of an inferred rule (the inverse of readInferredRule). */
export function inferredYaml(r: InferredRule): Record<string, unknown> {
  const out: Record<string, unknown> = { rule: r.rule, share: Number(r.share.toFixed(4)), evidence: r.evidence };
  if (r.counterexamples.length) out.counterexamples = r.counterexamples;
  out.confirmed = r.confirmed;
  return out;
}

/** Every rule of the contract that the profiler inferred and no analyst has confirmed, in words. */
export function unconfirmedRules(c: Contract): string[] {
  const out: string[] = [];
  for (const col of c.columns) for (const r of col.inferred ?? []) if (!r.confirmed) out.push(`${col.name}: ${r.rule}`);
  for (const fd of c.fds) if (fd.inferred && !fd.inferred.confirmed) out.push(`${fd.determinant.join(', ')} -> ${fd.dependent.join(', ')}`);
  return out;
}
