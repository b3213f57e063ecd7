// How Airlock writes a column's closed set of values into a contract. ODCS v3.1 has no
// property-level `enum`: a closed set is an `invalidValues` check with `validValues`, and the
// official JSON schema requires every library check to carry an operator. A value outside the set
// quarantines its row whatever the operator; the operator is a batch gate. A written set must not
// hold batches the analyst never asked to hold, so its operator is one that always passes
// (at most 100 % invalid): an analyst who wants a gate tightens it (e.g. mustBeLessThan: 5).
export const OPEN_GATE = { mustBeLessOrEqualTo: 100, unit: 'percent' } as const;

export function closedSetCheck(values: string[]): Record<string, unknown> {
  return { metric: 'invalidValues', arguments: { validValues: values }, ...OPEN_GATE };
}
