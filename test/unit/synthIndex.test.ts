import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { STRATEGIES, synthesizeValueRules } from '../../main/remediate/synth/index.js';
import { dateFormat } from '../../main/remediate/synth/dateFormat.js';
import { column, ctx, openDb, run, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

describe('synthesizeValueRules', () => {
  it('returns every applicable candidate, best first, each naming its strategy', async () => {
    // ' ca ' is a case/spacing fix and also a reference look-up for a state column
    const col = column({ name: 'state', pattern: '[A-Z]{2}' });
    const results = await synthesizeValueRules(db.conn, synthInput(col, [' ca ', 'tx']), ctx(['CA', 'TX', 'NY', 'OR', 'CO', 'WA']));
    expect(results.map((r) => r.strategy)).toEqual(['case-trim', 'reference-lookup']);
    expect(results[0].confidence).toBeGreaterThanOrEqual(results[1].confidence);
    const names = STRATEGIES.map((s) => s.name);
    for (const r of results) {
      expect(names).toContain(r.strategy);
      expect(r.reasoning.length).toBeGreaterThan(20);
      expect(r.patternType).toBeTruthy();
    }
  });

  it('orders by confidence, then by strategy priority', async () => {
    const col = column({ name: 'emergency_service', enum: ['yes', 'no'] });
    const results = await synthesizeValueRules(db.conn, synthInput(col, ['Yes', ' no']), ctx());
    expect(results.map((r) => r.strategy)).toEqual(['case-trim', 'flag-words', 'enum-typo']);
    const rank = (name: string) => STRATEGIES.findIndex((s) => s.name === name);
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1], results[i]];
      expect(a.confidence > b.confidence || (a.confidence === b.confidence && rank(a.strategy) < rank(b.strategy))).toBe(true);
    }
  });

  it('has nothing for clusters of nulls, empty clusters, or plain strings', async () => {
    const cols = [
      column({ name: 'a', enum: ['x', 'y'] }),
      column({ name: 'n', logicalType: 'number', minimum: 0, maximum: 1 }),
      column({ name: 'd', logicalType: 'date' }),
      column({ name: 'phone', pattern: '\\d{10}' }),
      column({ name: 'email' }),
      column({ name: 'country', pattern: '[A-Z]{2}' }),
    ];
    for (const c of cols) {
      expect(await synthesizeValueRules(db.conn, synthInput(c, []), ctx())).toEqual([]);
      expect(await synthesizeValueRules(db.conn, synthInput(c, [[null, 40]]), ctx())).toEqual([]);
    }
    expect(await synthesizeValueRules(db.conn, synthInput(column({ name: 'city' }), ['Portland OR']), ctx())).toEqual([]);
  });

  it('does not drop sub-second precision a timestamp format cannot hold', async () => {
    const col = column({ name: 't', logicalType: 'timestamp' });
    expect(await run(db, dateFormat, synthInput(col, ['2021-03-15T10:20:30.250']), ctx())).toBeNull();
    expect(await run(db, dateFormat, synthInput(column({ name: 't', logicalType: 'timestamp', format: '%Y-%m-%d %H:%M:%S.%f' }), ['2021-03-15T10:20:30.250']), ctx())).not.toBeNull();
  });
});
