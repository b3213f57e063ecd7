import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { enumTypo, levenshtein, nearestMember, slipDistance } from '../../main/remediate/synth/enumTypo.js';
import { seeded } from '../helpers/seeded.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

// Enums of the hospital contract (../shared/bench/hospital/contract.odcs.yaml).
const emergency = column({ name: 'emergency_service', enum: ['yes', 'no'] });
const type = column({ name: 'type', enum: ['acute care hospitals', 'critical access hospitals', 'childrens'] });
const owner = column({
  name: 'owner',
  enum: ['government - federal', 'government - hospital district or authority', 'government - local', 'government - state',
    'physician', 'proprietary', 'tribal', 'voluntary non-profit - church', 'voluntary non-profit - other', 'voluntary non-profit - private'],
});
const STATES = ['al', 'ak', 'az', 'ar', 'ca', 'co', 'ct', 'de', 'dc', 'fl', 'ga', 'hi', 'id', 'il', 'in', 'ia', 'ks', 'ky', 'la', 'me', 'md', 'ma', 'mi', 'mn', 'ms', 'mo', 'mt', 'ne', 'nv', 'nh', 'nj', 'nm', 'ny', 'nc', 'nd', 'oh', 'ok', 'or', 'pa', 'ri', 'sc', 'sd', 'tn', 'tx', 'ut', 'vt', 'va', 'wa', 'wv', 'wi', 'wy'];
const state = column({ name: 'state', enum: STATES });

describe('enum-typo strategy', () => {
  const cases = [
    {
      name: "hospital emergency_service: letters replaced by 'x'",
      col: emergency, values: ['yxs', 'yex', 'xes', 'xo'], expected: ['yes', 'yes', 'yes', 'no'],
    },
    {
      name: 'hospital type: x for letters and for spaces',
      col: type,
      values: ['acuxe care hospixals', 'acutexcarexhospitals', 'acute care hosxitals', 'Acute Care HospitaXs'],
      expected: ['acute care hospitals', 'acute care hospitals', 'acute care hospitals', 'acute care hospitals'],
    },
    {
      name: 'hospital owner: long members, several x',
      col: owner,
      values: ['proxrietary', 'pxopxietaxy', 'gxvernment - hxspital district xr authxrity', 'voluntary nonxprofit x private', 'voluntaryxnon-profitx-xchurch'],
      expected: ['proprietary', 'proprietary', 'government - hospital district or authority', 'voluntary non-profit - private', 'voluntary non-profit - church'],
    },
    {
      name: 'edit distance: a dropped and a swapped letter, clearly nearest',
      col: type, values: ['acute care hospitls', 'critcal access hospitals', 'childerns'],
      expected: ['acute care hospitals', 'critical access hospitals', 'childrens'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, enumTypo, synthInput(c.col, c.values), ctx());
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('enum-typo');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it("maps the values it can and leaves hospital states like 'xl' (al, fl or il?) as they are", async () => {
    // 'fx' can only be fl, but 'xl' and 'ax' fit several states: one value of three is too little
    expect(await run(db, enumTypo, synthInput(state, ['xl', 'ax', 'fx']), ctx())).toBeNull();
    const some = await run(db, enumTypo, synthInput(state, ['xl', 'ax', 'fx']), ctx([], 0.3));
    expect(await apply(db, 'state', some!, ['xl', 'ax', 'fx'])).toEqual(['xl', 'ax', 'fl']);
    const mixed = await run(db, enumTypo, synthInput(emergency, ['yxs', 'xx', 'maybe']), ctx([], 0.3));
    expect(mixed).not.toBeNull();
    expect(await apply(db, 'emergency_service', mixed!, ['yxs', 'xx', 'maybe', null])).toEqual(['yes', 'xx', 'maybe', null]);
  });

  it('takes case and spacing slips in the same cluster, so one rule covers it', async () => {
    const r = await run(db, enumTypo, synthInput(emergency, [' Yes ', 'yxs', 'NO']), ctx());
    expect(r!.confidence).toBe(0.95);
    expect(await apply(db, 'emergency_service', r!, [' Yes ', 'yxs', 'NO'])).toEqual(['yes', 'yes', 'no']);
  });

  const negatives = [
    { name: "x-typos that fit several states ('xl', 'ax')", col: state, values: ['xl', 'ax'] },
    { name: "all-x values say nothing ('xxx')", col: emergency, values: ['xxx'] },
    { name: 'a tie in edit distance', col: column({ name: 'c', enum: ['cat', 'car'] }), values: ['cas'] },
    { name: 'a close runner-up (1 edit apart)', col: column({ name: 'c', enum: ['alpha', 'aloha'] }), values: ['alpra'] },
    { name: 'too far from every member', col: type, values: ['general hospital'] },
    { name: 'a short value rewritten wholesale', col: emergency, values: ['na'] },
    { name: 'no enum', col: column({ name: 'c' }), values: ['yxs'] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, enumTypo, synthInput(n.col, n.values), ctx())).toBeNull();
    });
  }

  it('a value two edits from a member that many rows hold is a word of its own, not a misspelling', async () => {
    // 'planned' (a synonym of scheduled) is two edits from 'landed': seen in a profiled flights
    // table at 15%, mapped on 30 rows to the opposite of what they said
    const status = column({ name: 'status', enum: ['scheduled', 'departed', 'landed', 'cancelled', 'delayed'] });
    expect(await run(db, enumTypo, synthInput(status, [['planned', 30]]), ctx())).toBeNull();
    expect(await run(db, enumTypo, synthInput(status, [['planned', 3]]), ctx())).toBeNull();
    // the same two slips in one or two rows are still read as slips, and one slip however often
    const r = await run(db, enumTypo, synthInput(status, [['lnaded', 2], ['canceled', 40], ['delyed', 9]]), ctx());
    expect(await apply(db, 'status', r!, ['lnaded', 'canceled', 'delyed'])).toEqual(['landed', 'cancelled', 'delayed']);
    const two = await run(db, enumTypo, synthInput(status, [['dleayd', 2]]), ctx());
    expect(await apply(db, 'status', two!, ['dleayd'])).toEqual(['delayed']);
  });

  it('levenshtein and nearestMember basics', async () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(nearestMember('yxs', ['yes', 'no'])).toEqual({ member: 'yes', how: 'x-wildcard' });
    expect(nearestMember('xl', STATES)).toBeNull();
  });

  it('a swap of two neighbouring letters is one slip: the member it was typed from, not a longer look-alike', async () => {
    const STATUS = ['active', 'inactive', 'pending', 'cancelled'];
    expect(slipDistance('cative', 'active')).toBe(1);
    expect(slipDistance('ab', 'ba')).toBe(1);
    expect(slipDistance('kitten', 'sitting')).toBe(3);
    expect(nearestMember('cative', STATUS)).toEqual({ member: 'active', how: 'edit-distance', edits: 1 });
    expect(nearestMember('pendnig', STATUS)).toEqual({ member: 'pending', how: 'edit-distance', edits: 1 });
    // a value cut short is the start of exactly one member, and long enough to say so
    expect(nearestMember('cancel', STATUS)).toEqual({ member: 'cancelled', how: 'truncated' });
    expect(nearestMember('pend', STATUS)).toEqual({ member: 'pending', how: 'truncated' });
    expect(nearestMember('inac', ['inactive', 'inaccurate'])).toBeNull();
    expect(nearestMember('can', STATUS)).toBeNull();
    expect(nearestMember('cancel', ['cancelled', 'cancelling'])).toBeNull();
    // still refused when two members are about as near
    expect(nearestMember('inactiev', ['inactive', 'inactivo'])).toBeNull();
    // seeded: every single transposition inside a member maps back to it, never to another
    const rng = seeded(7);
    for (let n = 0; n < 300; n++) {
      const m = rng.pick(STATUS);
      const i = rng.int(0, m.length - 2);
      const typo = `${m.slice(0, i)}${m[i + 1]}${m[i]}${m.slice(i + 2)}`;
      if (typo === m) continue;
      const hit = nearestMember(typo, STATUS);
      expect(hit === null || hit.member === m, `${typo} -> ${hit?.member}`).toBe(true);
    }
  });
});
