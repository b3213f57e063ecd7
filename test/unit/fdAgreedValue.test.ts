// The fd-agreed-value strategy proposes a typed agreedValue rule, decided by the compiled rule's
// own SQL over the batch as it stands: proposed when one of the cluster's rows would be decided,
// not when every group of the cluster is a tie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compileRule } from '../../main/remediate/rules/compileRule.js';
import { agreedValueRuleFor, DEFAULT_MIN_MARGIN, DEFAULT_MIN_SUPPORT, FdEvidence, fdAgreedValue } from '../../main/remediate/strategies/fdAgreedValue.js';
import type { Cluster } from '../../main/remediate/types.js';
import { queryRows } from '../../main/store/duckdb.js';
import { contractOf, tableOf } from '../helpers/agreedValue.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const cluster: Cluster = { id: 'c1', column: 'city', reason: 'FD_VIOLATION', signatures: [], size: 0, distinctValues: 0, samples: [] };

async function batch(rows: Array<Record<string, string>>, quarantined: number[]): Promise<void> {
  await tableOf(conn, 'u', ['zip', 'city', 'site'], rows);
  await conn.run(`CREATE OR REPLACE TABLE q AS SELECT zip, city, site, _airlock_row_id FROM u WHERE _airlock_row_id IN (${quarantined.join(', ')})`);
}

describe('fdAgreedValue', () => {
  const contract = contractOf(['zip', 'city', 'site'], [[['zip'], ['city']]]);

  it('returns a typed agreedValue rule with an empty set, decided by the compiled SQL', async () => {
    await batch([
      { zip: '1', city: 'A' }, { zip: '1', city: 'A' }, { zip: '1', city: 'A' }, { zip: '1', city: 'B' }, { zip: '1', city: 'B' }, { zip: '1', city: 'C' },
      { zip: '2', city: 'P' }, { zip: '2', city: 'Q' },
    ], [1, 2, 3, 4, 5, 6, 7, 8]);
    const ev = new FdEvidence(conn, contract, 'u', 'q');
    const r = await fdAgreedValue(ev, contract, cluster, 'q');
    expect(r).not.toBeNull();
    expect(r!.op).toEqual({ kind: 'agreedValue', column: 'city', determinants: [['zip']], minSupport: DEFAULT_MIN_SUPPORT, minMargin: DEFAULT_MIN_MARGIN });
    expect(r!.set).toEqual({});
    expect(r!).toMatchObject({ patternType: 'fd-agreed-value', strategy: 'fd-agreed-value', confidence: 0.5 });
    expect(r!.reasoning).toMatch(/1 group\(s\).*6 row\(s\) decided/);
    // The rule object, compiled again where it is applied, repairs the 3-2-1 group only.
    const c = compileRule(r!.op, { contract, runId: 'r', evidence: ev.relation });
    for (const s of c.setup) await conn.run(s);
    const out = await queryRows<{ v: string }>(conn, `SELECT CASE WHEN ${c.where} THEN ${c.set.city} ELSE city END AS v FROM q ORDER BY _airlock_row_id`);
    for (const s of c.teardown) await conn.run(s);
    expect(out.map((x) => x.v)).toEqual(['A', 'A', 'A', 'A', 'A', 'A', 'P', 'Q']);
  });

  it('proposes nothing when every group of the cluster is a tie, or no dependency has the column as dependent', async () => {
    await batch([{ zip: '2', city: 'P' }, { zip: '2', city: 'Q' }, { zip: '3', city: 'M' }, { zip: '3', city: 'M' }, { zip: '3', city: 'M' }], [1, 2]);
    const ev = new FdEvidence(conn, contract, 'u', 'q');
    expect(await fdAgreedValue(ev, contract, cluster, 'q')).toBeNull();
    expect(await fdAgreedValue(ev, contract, { ...cluster, column: 'zip' }, 'q')).toBeNull();
    expect(agreedValueRuleFor(contract, 'site')).toBeNull();
  });

  it('takes the cluster as determinant keys (as remediate.ts passes them) and the contract\'s source column', async () => {
    const withSource = contractOf(['zip', 'city', 'site'], [[['zip'], ['city']]], { sourceColumn: 'site' });
    await batch([
      { zip: '1', city: 'A', site: 's1' }, { zip: '1', city: 'A', site: 's2' }, { zip: '1', city: 'B', site: 's3' },
      { zip: '2', city: 'P', site: 's1' }, { zip: '2', city: 'Q', site: 's2' },
    ], [3, 4, 5]);
    const ev = new FdEvidence(conn, withSource, 'u', 'q');
    const r = await fdAgreedValue(ev, withSource, cluster, async () => new Set(['1']));
    expect(r?.op.sourceColumn).toBe('site');
    expect(r?.reasoning).toMatch(/weighted by its estimated accuracy \(site: s\d \d\.\d\d, /);
    expect(r?.sourceAccuracy?.map((x) => x.source).sort()).toEqual(['s1', 's2']); // s3's one row is outvoted by passing rows: no ballot, no estimate
    expect(await fdAgreedValue(ev, withSource, cluster, async () => new Set(['2']))).toBeNull();
  });

  it('computes the rows it decides once, however many determinants the column has', async () => {
    // The condition holds a lookup and a suspect check per determinant; written inline into the
    // count and every determinant's arm of the groups query, it cost the square of their number
    // (a profiled hospital contract gave state six determinants: minutes per proposal).
    const cols = ['zip', 'city', 'site', 'area', 'code'];
    const many = contractOf(cols, [[['zip'], ['city']], [['site'], ['city']], [['area'], ['city']], [['code'], ['city']]]);
    const rows = [
      { zip: '1', city: 'A', site: 's1', area: 'a1', code: 'c1' }, { zip: '1', city: 'A', site: 's1', area: 'a1', code: 'c1' },
      { zip: '1', city: 'A', site: 's1', area: 'a1', code: 'c1' }, { zip: '1', city: 'B', site: 's1', area: 'a1', code: 'c1' },
    ];
    await tableOf(conn, 'u', cols, rows);
    await conn.run(`CREATE OR REPLACE TABLE q AS SELECT * EXCLUDE (_airlock_passes) FROM u WHERE _airlock_row_id = 4`);
    const seen: string[] = [];
    const spy = new Proxy(conn, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (typeof args[0] === 'string') seen.push(args[0]);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const ev = new FdEvidence(spy, many, 'u', 'q');
    const r = await fdAgreedValue(ev, many, cluster, 'q');
    expect(r?.op.determinants).toHaveLength(4);
    expect(r!.reasoning).toMatch(/1 row\(s\) decided/);
    const where = compileRule(agreedValueRuleFor(many, 'city')!, { contract: many, runId: '', evidence: ev.relation }).where ?? '';
    expect(where.length).toBeGreaterThan(20);
    expect(seen.filter((sql) => sql.includes(where))).toHaveLength(1);
  });
});
