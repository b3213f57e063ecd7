// Strategy: a flag column whose closed set is the true and the false of one vocabulary
// ('yes'/'no') holds values written in another ('True', 'Y', '1', 'FALSE'): each maps to the
// member with the same truth value. The evidence is the set itself: two members that are a
// flag's two words say what every other flag word means in this column. Values that are no flag
// word ('maybe', 'x') are left as they are.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MapEntry } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR } from './common.js';
import { flagKey, isBooleanPair, truthOf } from '../../contract/booleanWords.js';

const STRATEGY = 'flag-words';

export async function flagWords(_conn: DuckDBConnection, input: SynthInput, _ctx: SynthContext): Promise<Candidate[]> {
  const members = input.column.enum ?? [];
  if (members.length !== 2 || !isBooleanPair(flagKey(members[0]), flagKey(members[1]))) return [];
  const memberOf = new Map(members.map((m) => [truthOf(flagKey(m))!, m]));
  const entries: MapEntry[] = [];
  for (const vc of input.values) {
    if (vc.value === null) continue;
    const truth = truthOf(flagKey(vc.value));
    const to = truth === undefined ? undefined : memberOf.get(truth);
    if (to === undefined || to === vc.value) continue;
    entries.push({ from: vc.value, to, count: vc.count });
  }
  if (!entries.length) return [];
  return [{
    op: { kind: 'map', column: input.column.name, match: 'exact', entries },
    base: 0.97,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'flag-vocabulary',
    reasoning: (ex) => `The column is a flag written '${members[0]}' / '${members[1]}'; these values are the same flag in another`
      + ` vocabulary (${ex}): each is written as the member with the same truth value.`,
  }];
}
