// A recipe file is untrusted: every rule kind, not only expressions, must be refused by the rule
// gate when its fields have the wrong shape, so that a hostile file can neither join the recipe
// nor crash the next run that replays it. A manual edit names rows of one run: it never joins a
// recipe (approval leaves it out), so an imported one is refused too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { importRecipe } from '../../main/remediate/recipeAdmin.js';
import type { TypedRule } from '../../main/remediate/rules/ruleTypes.js';
import { validateRule } from '../../main/remediate/rules/validateRule.js';
import type { Sqlite } from '../../main/store/sqlite.js';
import type { AuditLog } from '../../main/audit/log.js';
import { SHARED } from '../helpers/tmp.js';

const contract = parseContract(readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8'));
// only expressions reach DuckDB (the sandbox); a refusal of any other kind happens before the store is touched
const conn = null as unknown as DuckDBConnection;
const gate = (rule: unknown) => validateRule(conn, rule as TypedRule, contract);

describe('the rule gate on hostile fields', () => {
  it('a lookup rule must name a shipped reference table, one of its forms, a style and text members', async () => {
    const good = { kind: 'lookup', column: 'state', table: 'us_state', form: 'code', style: 'upper' };
    expect((await gate(good)).ok).toBe(true);
    for (const bad of [
      { ...good, table: 'nope' }, { ...good, table: 7 }, { ...good, form: 'nope' }, { ...good, style: 'shout' },
      { ...good, members: 'AL' }, { ...good, members: [1, 2] }, { ...good, form: '__proto__' },
    ]) {
      const r = await gate(bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('an agreedValue rule with determinants or bounds of the wrong type is refused, not a crash', async () => {
    const good = { kind: 'agreedValue', column: 'city', determinants: [['zip']], minSupport: 2, minMargin: 0.5 };
    expect((await gate(good)).ok).toBe(true);
    for (const bad of [
      { ...good, determinants: 'zip' }, { ...good, determinants: undefined }, { ...good, determinants: [] }, { ...good, determinants: ['zip'] },
      { ...good, minMargin: '0.5' }, { ...good, minSupport: [3] }, { ...good, minSupport: Infinity },
    ]) {
      const r = await gate(bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('a map rule whose column is not text, or whose entries are not a list, is refused', async () => {
    for (const bad of [
      { kind: 'map', column: 7, match: 'exact', entries: [{ from: 'a', to: 'b' }] },
      { kind: 'map', column: 'city', match: 'exact', entries: { from: 'a', to: 'b' } },
      { kind: 'map', column: 'city', match: 'exact', entries: [null] },
    ]) expect((await gate(bad)).ok, JSON.stringify(bad)).toBe(false);
  });

  it('an imported manual edit is refused: it names rows of one run, and no recipe holds one', async () => {
    const text = JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'city', rule: { kind: 'manual', column: 'city', runId: 'run_x', cells: [{ rowId: 1, value: 'x' }] } }] });
    await expect(importRecipe(null as unknown as Sqlite, null as unknown as AuditLog, conn, contract, text, 'manual.json', 't')).rejects.toThrow(/rule 1 \(city\) is refused: .*manual/);
  });
});
