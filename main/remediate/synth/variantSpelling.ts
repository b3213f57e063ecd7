// Strategy: a rare spelling of a value the column holds often (LIKELY_VARIANT, found in the batch
// by validate/variants.ts): `AMERICAN PALE ALE (APA)` → `American Pale Ale (APA)`, `Engish Pale
// Ale` → `English Pale Ale`. The evidence was gathered before validation (the dominant spelling's
// rows against the variant's); this writes it as one exact value map, variant → dominant spelling,
// so the change is a rule the analyst sees with its counts. Values the evidence does not name are
// left as they are.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MapEntry } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR } from './common.js';

const STRATEGY = 'variant-spelling';

export async function variantSpelling(_conn: DuckDBConnection, input: SynthInput, _ctx: SynthContext): Promise<Candidate[]> {
  const variants = input.column.variants;
  if (!variants?.length) return [];
  const byFrom = new Map(variants.map((v) => [v.from, v]));
  const entries: MapEntry[] = [];
  let typo = false;
  for (const vc of input.values) {
    const hit = vc.value === null ? undefined : byFrom.get(vc.value);
    if (!hit) continue;
    entries.push({ from: hit.from, to: hit.to, count: vc.count });
    if (hit.how === 'near-typo') typo = true;
  }
  if (!entries.length) return [];
  const support = (to: string) => variants.find((v) => v.to === to)?.support ?? 0;
  const form = (e: MapEntry) => byFrom.get(e.from)?.how === 'case-departure';
  if (entries.every(form)) {
    return [{
      op: { kind: 'map', column: input.column.name, match: 'exact', entries },
      base: 0.97,
      floor: PER_VALUE_FLOOR,
      strategy: STRATEGY,
      patternType: 'variant-case-spacing',
      reasoning: (ex) => `Values written unlike the rest of their column (${ex}): stray white space where the column has none,`
        + ' or letter case where the column writes mixed case; each maps to its own words, singly spaced and in the casing'
        + ' the column gives each word.',
    }];
  }
  return [{
    op: { kind: 'map', column: input.column.name, match: 'exact', entries },
    // A folded collision is near certain; a typo rests on the edit being the only near one.
    base: typo ? 0.9 : 0.97,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: typo ? 'variant-typo' : 'variant-case-spacing',
    reasoning: (ex) => `Rare spellings of values the column holds often (${ex}); each maps to the spelling most rows use`
      + ` (${entries.slice(0, 3).map((e) => `${support(e.to)} rows of '${e.to}'`).join(', ')})`
      + (typo ? ', typos only where one frequent value is clearly nearest' : '') + '.',
  }];
}
