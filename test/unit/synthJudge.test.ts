// The judge runs every candidate rule in DuckDB and tests each output with the column's own
// checks: contract patterns the JavaScript engine cannot run work as well as any, a per-value
// repair is a value map whose lines live in a temp table, and whatever a judged rule changes is
// valid while whatever it leaves is left byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../main/contract/types.js';
import { compileRule } from '../../main/remediate/rules/compileRule.js';
import { describeRule } from '../../main/remediate/rules/describeRule.js';
import type { MapRule, TypedRule } from '../../main/remediate/rules/ruleTypes.js';
import {
  STRATEGIES, judgeCandidate, judgeRule, synthesizeValueRules, type Strategy,
} from '../../main/remediate/synth/index.js';
import { email } from '../../main/remediate/synth/email.js';
import { enumTypo } from '../../main/remediate/synth/enumTypo.js';
import { fullMatcher } from '../../main/remediate/synth/safeRegex.js';
import { valueValidSql } from '../../main/remediate/valueChecks.js';
import { queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { apply, column, contractFor, ctx, openDb, referenceTables, run, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

async function validIn(col: ColumnSpec, values: Array<string | null>): Promise<boolean[]> {
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'CAST(NULL AS VARCHAR)' : sqlString(v)})`).join(', ');
  const res = await queryRows<{ ok: boolean }>(db.conn, `SELECT ${valueValidSql(col, 'v')} AS ok FROM (VALUES ${rows}) t(i, v) ORDER BY i`);
  return res.map((r) => r.ok);
}

describe('e-mail repairs judged by the contract pattern in DuckDB', () => {
  const disguised = [
    'name at example.com', 'name (at) example (dot) com', 'mailto:name@x.org', '<ann@b.co>', 'Dee Doe <dee@example.com>',
    'carl@x.org.', '  pad@example.com  ', '\tbob@example.net ', 'eve [at] mail [dot] example [dot] org',
  ];
  const expected = [
    'name@example.com', 'name@example.com', 'name@x.org', 'ann@b.co', 'dee@example.com',
    'carl@x.org', 'pad@example.com', 'bob@example.net', 'eve@mail.example.org',
  ];
  for (const pattern of ['[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+', '[\\w.+-]{1,64}@[\\w-]+(\\.[\\w-]{2,30})+']) {
    it(`repairs disguised and padded addresses under ${pattern}`, async () => {
      const col = column({ name: 'email', pattern });
      const r = await run(db, email, synthInput(col, disguised), ctx());
      expect(r).not.toBeNull();
      expect(r!.op.kind).toBe('expression');
      expect(r!.expr.length).toBeLessThan(1500);
      expect(await apply(db, 'email', r!, disguised)).toEqual(expected);
      expect(r!.coverage).toEqual({ distinctShare: 1, rowShare: 1 });
    });
  }

  it('the counted variant is one the JavaScript engine cannot run, yet it works', () => {
    expect(fullMatcher('[\\w.+-]{1,64}@[\\w-]+(\\.[\\w-]{2,30})+')).toBeNull();
  });

  it('lower-cases the whole address when the valid sample is lower-case', async () => {
    const col = column({ name: 'email', pattern: '[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+' });
    const valid = ['ann@example.com', 'bob@example.org', 'cy@x.io', 'dee@mail.example.com', 'eve@example.net'];
    const values = ['ANN@EXAMPLE.COM', 'Bob at Example.org', ' Cy@X.IO '];
    const r = await run(db, email, synthInput(col, values), ctx(valid));
    expect(await apply(db, 'email', r!, values)).toEqual(['ann@example.com', 'bob@example.org', 'cy@x.io']);
  });

  it('leaves what the pattern refuses: the rule is declined when it would write an invalid value', async () => {
    const col = column({ name: 'email', pattern: '[a-z]+@corp\\.com' });
    expect(await run(db, email, synthInput(col, ['john at example dot com']), ctx())).toBeNull();
  });
});

describe('the judge declines candidates the column rejects', () => {
  const col = column({ name: 'code', pattern: '[a-z]+' });
  const input = synthInput(col, ['ABC', 'Def']);
  const base = { base: 0.9, floor: 0.5, strategy: 't', patternType: 't', reasoning: (ex: string) => `test ${ex}` };

  it('an expression whose output violates the pattern', async () => {
    const op: TypedRule = { kind: 'expression', set: { code: 'upper("code")' } };
    expect(await judgeCandidate(db.conn, input, ctx(), { ...base, op })).toBeNull();
    const j = await judgeRule(db.conn, op, input.values, col, { contract: input.contract, floor: 0.5, base: 0.9 });
    expect(j.declined).toMatch(/still rejects/);
    expect(j.outcomes.map((o) => o.outcome)).toEqual(['unchanged', 'invalid']);
  });

  it('a map line whose target violates the pattern', async () => {
    const op: MapRule = { kind: 'map', column: 'code', match: 'exact', entries: [{ from: 'ABC', to: 'abc', count: 1 }, { from: 'Def', to: 'de1', count: 1 }] };
    expect(await judgeCandidate(db.conn, input, ctx(), { ...base, op })).toBeNull();
    const ok: MapRule = { ...op, entries: [op.entries[0]] };
    const r = await judgeCandidate(db.conn, input, ctx(), { ...base, op: ok });
    expect(r?.confidence).toBe(0.45);
    expect(r?.expr).toBe('');
  });

  it('an expression the sandbox refuses', async () => {
    const op: TypedRule = { kind: 'expression', set: { code: "read_text('/etc/passwd')" } };
    expect(await judgeCandidate(db.conn, input, ctx(), { ...base, op })).toBeNull();
  });
});

describe('a per-value repair is a value map', () => {
  function word(r: Rng, n: number): string {
    const letters = 'abcdefghijklmnopqrstuvwyz';
    return Array.from({ length: n }, () => r.pick([...letters])).join('');
  }

  it('a 2,000-value typo cluster: a short sentence plus a table, and SQL that does not grow with the lines', async () => {
    const r = seeded(2026);
    const members = Array.from({ length: 60 }, () => word(r, 12));
    const typos = new Map<string, string>();
    while (typos.size < 2000) {
      const m = r.pick(members);
      const chars = [...m];
      for (let k = r.int(1, 3); k > 0; k--) chars[r.int(0, chars.length - 1)] = 'x';
      const v = chars.join('');
      if (v !== m) typos.set(v, m);
    }
    const col = column({ name: 'kind', enum: members });
    const values = [...typos.keys()];
    const res = await run(db, enumTypo, synthInput(col, values.map((v): [string, number] => [v, 2])), ctx());
    expect(res).not.toBeNull();
    const op = res!.op as MapRule;
    expect(op.kind).toBe('map');
    expect(op.entries.length).toBe(2000);
    expect(op.entries.every((e) => e.count === 2)).toBe(true);
    const d = describeRule(op);
    expect(d.sentence.length).toBeLessThan(200);
    expect(d.table!.rows.length).toBe(2000);
    // The compiled expression and filter are the same text for 2,000 lines as for 3.
    const c = { contract: contractFor(col), runId: 'r' };
    const big = compileRule(op, c);
    const small = compileRule({ ...op, entries: op.entries.slice(0, 3) }, c);
    expect(big.set.kind.length).toBe(small.set.kind.length);
    expect(big.where!.length).toBe(small.where!.length);
    expect(big.set.kind.length).toBeLessThan(400);
    expect(await apply(db, 'kind', res!, values)).toEqual(values.map((v) => typos.get(v)));
  }, 60_000);
});

/** Generated values around a few valid examples: case, spacing, punctuation, typos, junk. */
function dirty(r: Rng, seeds: string[], n: number): string[] {
  const junk = ['', ' ', 'x', 'N/A', '??', '12', '1.5', 'abc', 'ÄÖÜ', '\t', 'null', '0'];
  const out = new Set<string>();
  while (out.size < n) {
    let v = r.chance(0.15) ? r.pick(junk) : r.pick(seeds);
    const ops = r.int(0, 3);
    for (let k = 0; k < ops; k++) {
      const i = r.int(0, Math.max(0, v.length - 1));
      switch (r.int(0, 6)) {
        case 0: v = v.toUpperCase(); break;
        case 1: v = v.toLowerCase(); break;
        case 2: v = ` ${v}  `; break;
        case 3: v = v.slice(0, i) + 'x' + v.slice(i + 1); break;
        case 4: v = v.slice(0, i) + r.pick(['.', '-', ' ', '/', '(', ')', '@', ',']) + v.slice(i); break;
        case 5: v = v.slice(0, i) + v.slice(i + 1); break;
        default: v = v + r.pick([' oz', '%', '.', ' dot com', ' at x']);
      }
    }
    out.add(v);
  }
  return [...out];
}

describe('property: whatever a judged rule changes is valid, whatever it leaves is byte-identical', () => {
  const CASES: Array<{ col: ColumnSpec; seeds: string[]; valid: string[] }> = [
    { col: column({ name: 'state', pattern: '[A-Z]{2}' }), seeds: ['CA', 'ny', 'Texas', 'Calif.', 'N.Y.', 'tx'], valid: ['CA', 'TX', 'NY', 'OR', 'WA', 'CO'] },
    { col: column({ name: 'flag', enum: ['yes', 'no', 'unknown'] }), seeds: ['yes', 'no', 'unknown', 'Yes', 'yxs', 'unknwn'], valid: [] },
    { col: column({ name: 'd', logicalType: 'date', minimum: '1990-01-01' }), seeds: ['03/15/2021', '2021-03-15', 'Mar 15 2021', '15.03.2021', '20210315', '02/30/2020'], valid: [] },
    { col: column({ name: 'ounces', logicalType: 'number', minimum: 0 }), seeds: ['12.0 oz', '16 ounce', '12', '1,234.5', '12 oz.', '8.4 OZ'], valid: ['12', '16', '12', '24', '8.4', '19.2'] },
    { col: column({ name: 'phone', pattern: '\\d{10}' }), seeds: ['(205) 325-8100', '205.325.8100', '+1 205-325-8100', '2053258100', '25x47x7xx0'], valid: [] },
    { col: column({ name: 'email', pattern: '[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+' }), seeds: ['ann@example.com', 'bob at example dot com', 'mailto:cy@x.io', '<dee@ex.org>', 'eve@example.com.'], valid: [] },
    { col: column({ name: 'score', pattern: '\\d{1,3}%' }), seeds: ['95%', '9x%', '95x', '100%', '7%'], valid: ['95%', '97%', '100%', '93%', '88%'] },
    { col: column({ name: 'country', pattern: '[A-Z]{2}' }), seeds: ['Germany', 'DEU', 'fr', 'United States', 'UK'], valid: ['DE', 'FR', 'US', 'GB', 'NL', 'ES'] },
  ];

  it('over a few hundred generated values per column and every strategy', async () => {
    let judged = 0, changed = 0;
    for (const [k, c] of CASES.entries()) {
      const r = seeded(500 + k);
      const values = dirty(r, c.seeds, 120);
      const input = synthInput(c.col, values.map((v): [string, number] => [v, r.int(1, 5)]));
      for (const s of STRATEGIES) {
        const res = await (s.run as Strategy)(db.conn, input, ctx(c.valid, 0.01)).then(async (cands) => {
          const out = [];
          for (const cand of cands) out.push(await judgeCandidate(db.conn, input, ctx(c.valid, 0.01), cand));
          return out.filter((x) => x !== null);
        });
        for (const rule of res) {
          judged++;
          const outs = await apply(db, c.col.name, rule, values);
          const ok = await validIn(c.col, outs);
          values.forEach((v, i) => {
            if (outs[i] === v) return;
            changed++;
            expect(ok[i], `${s.name}: '${v}' → '${outs[i]}' for ${c.col.name}`).toBe(true);
          });
          // The judge's own account agrees with the applied rule.
          const j = await judgeRule(db.conn, rule.op, input.values, c.col, { contract: input.contract, reference: referenceTables(), floor: 0, base: 1 });
          j.outcomes.forEach((o, i) => expect(o.outcome === 'unchanged' ? o.value : o.out).toBe(outs[i]));
          expect(j.outcomes.some((o) => o.outcome === 'invalid')).toBe(false);
        }
      }
    }
    console.log(`property: ${judged} judged rules, ${changed} changed values`);
    expect(judged).toBeGreaterThanOrEqual(6);
    expect(changed).toBeGreaterThan(100);
  }, 120_000);

  it('synthesizeValueRules ranks judged results, each with its typed rule', async () => {
    const col = column({ name: 'flag', enum: ['yes', 'no'] });
    const res = await synthesizeValueRules(db.conn, synthInput(col, [' Yes', 'NO ', 'yxs']), ctx());
    // enum-typo repairs all three; case-trim and flag-words two of three (their confidence scaled by that share)
    expect(res.map((x) => [x.strategy, x.op.kind])).toEqual([['enum-typo', 'map'], ['case-trim', 'map'], ['flag-words', 'map']]);
    expect(res.map((x) => x.expr)).toEqual(['', '', '']);
    expect(res[1].coverage?.distinctShare).toBeCloseTo(2 / 3);
  });
});
