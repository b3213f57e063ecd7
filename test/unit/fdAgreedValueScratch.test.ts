// The temporary tables of an agreedValue proposal (the cluster's keys, the rows it decides) are
// its own: dropped on every exit, and not shared by two proposals in flight on one connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FdEvidence, fdAgreedValue } from '../../main/remediate/strategies/fdAgreedValue.js';
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
async function tempTables(): Promise<string[]> {
  return (await queryRows<{ t: string }>(conn, `SELECT table_name AS t FROM duckdb_tables() WHERE temporary ORDER BY 1`)).map((r) => r.t);
}

const cluster: Cluster = { id: 'c1', column: 'city', reason: 'FD_VIOLATION', signatures: [], size: 0, distinctValues: 0, samples: [] };

describe('fdAgreedValue scratch tables', () => {
  it('drops its tables when the cluster keys cannot be read', async () => {
    const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
    await tableOf(conn, 'u', ['zip', 'city'], [{ zip: '1', city: 'A' }, { zip: '1', city: 'B' }]);
    await conn.run(`CREATE OR REPLACE TABLE q AS SELECT * EXCLUDE (_airlock_passes) FROM u`);
    const ev = new FdEvidence(conn, contract, 'u', 'q');
    const before = await tempTables();
    await expect(fdAgreedValue(ev, contract, cluster, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await tempTables()).toEqual(before);
    // a cluster relation that does not bind: the CREATE itself throws
    await expect(fdAgreedValue(ev, contract, cluster, '(SELECT 1 AS nope)')).rejects.toThrow();
    expect(await tempTables()).toEqual(before);
  });

  it('two proposals for different columns in flight on one connection each see their own decided rows', async () => {
    // Two columns, each with its own dependency; the old version kept no fixed-name table in this mode.
    const contract = contractOf(['zip', 'city', 'code', 'area'], [[['zip'], ['city']], [['code'], ['area']]]);
    const rows: Array<Record<string, string | boolean>> = [];
    for (let i = 0; i < 3; i++) rows.push({ zip: '1', city: 'A', code: 'k', area: 'X' });
    rows.push({ zip: '1', city: 'B', code: 'k', area: 'Y' });
    for (let i = 0; i < 5; i++) rows.push({ zip: '2', city: 'P', code: 'm', area: 'Z' });
    rows.push({ zip: '2', city: 'Q', code: 'm', area: 'W' });
    await tableOf(conn, 'u', ['zip', 'city', 'code', 'area'], rows);
    await conn.run(`CREATE OR REPLACE TABLE q AS SELECT * EXCLUDE (_airlock_passes) FROM u`);
    const ev = new FdEvidence(conn, contract, 'u', 'q');
    const cityOnly = '(SELECT * FROM q WHERE zip = \'1\')';
    const areaOnly = '(SELECT * FROM q WHERE code = \'m\')';
    const area: Cluster = { ...cluster, id: 'c2', column: 'area' };
    const seqCity = await fdAgreedValue(ev, contract, cluster, cityOnly);
    const seqArea = await fdAgreedValue(ev, contract, area, areaOnly);
    const [parCity, parArea] = await Promise.all([fdAgreedValue(ev, contract, cluster, cityOnly), fdAgreedValue(ev, contract, area, areaOnly)]);
    expect(parCity).toEqual(seqCity);
    expect(parArea).toEqual(seqArea);
  });
});
