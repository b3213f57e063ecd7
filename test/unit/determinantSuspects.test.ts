// A typo in a dependency's determinant (issue 10): the misspelt key forms a group of its own, so
// no dependency is violated. Validation reports it as FD_DETERMINANT_SUSPECT when the row's
// dependents are exactly those of one well-supported key spelt almost alike, in data where the
// dependents identify their key; the fd-determinant-typo strategy maps it to that key. A rare
// legitimate key (zip → city, many zips per city), two candidate keys, a key with other
// dependents, empty dependents, and a well-supported key are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { fdDeterminantTypo } from '../../main/remediate/strategies/fdDeterminantTypo.js';
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

type Row = Record<string, string | null>;
const codes = contractOf(['code', 'name', 'topic'], [[['code'], ['name', 'topic']]]);
const cluster: Cluster = { id: 'c1', column: 'code', reason: 'FD_DETERMINANT_SUSPECT', reasons: ['FD_DETERMINANT_SUSPECT'], signatures: [], size: 0, distinctValues: 0, samples: [] };

/** Established codes, five rows each, one name and topic per code. */
const BASE: Array<[string, string, string]> = [
  ['ami-4', 'aspirin at arrival', 'heart attack'], ['hf-2', 'discharge instructions', 'heart failure'],
  ['pn-3', 'blood culture first', 'pneumonia'], ['scip-inf-4', 'glucose control', 'surgery'],
];
function rowsOf(list: Array<[string, string, string]>, n = 5): Row[] {
  return list.flatMap(([code, name, topic]) => Array.from({ length: n }, () => ({ code, name, topic })));
}

/** Suspects as validation reports them: row id → the detail's candidate. */
async function suspects(contract = codes, table = 'u'): Promise<Map<number, string>> {
  const { sql } = compileViolations(contract, table);
  const rows = await queryRows<{ row_id: number; detail: string }>(conn, `SELECT row_id, detail FROM (${sql}) WHERE reason = 'FD_DETERMINANT_SUSPECT' ORDER BY row_id`);
  return new Map(rows.map((r) => [Number(r.row_id), (JSON.parse(r.detail) as { candidate: string }).candidate]));
}

describe('FD_DETERMINANT_SUSPECT', () => {
  it('reports a misspelt code whose name and topic are those of one well-supported code, and the strategy maps it back', async () => {
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf(BASE), { code: 'axi-4', name: 'aspirin at arrival', topic: 'heart attack' }]);
    const found = await suspects();
    expect([...found]).toEqual([[21, 'ami-4']]);
    const { sql } = compileViolations(codes, 'u');
    const [v] = await queryRows<{ column: string; rule: string; detail: string }>(conn, `SELECT "column", rule, detail FROM (${sql}) WHERE reason = 'FD_DETERMINANT_SUSPECT'`);
    expect(v.column).toBe('code');
    expect(v.rule).toBe('fd-determinant:code->name+topic');
    expect(JSON.parse(v.detail)).toEqual({ determinant: 'code', candidate: 'ami-4', support: 5, group: 1, distance: 1, oneToOne: 4, dependentTuples: 4 });
    const r = await fdDeterminantTypo(conn, codes, cluster, 'u', '(SELECT * FROM u WHERE _airlock_row_id = 21)');
    expect(r?.op).toEqual({ kind: 'map', column: 'code', match: 'exact', entries: [{ from: 'axi-4', to: 'ami-4', count: 1 }] });
    expect(r?.strategy).toBe('fd-determinant-typo');
  });

  it('a key with one character replaced throughout is not one edit: repeated characters are normal in codes', async () => {
    // cac-1 as xax-1 is the same shape as ab-11 beside ab-22 or 2011 beside 2022, which are
    // different codes (an adversarial pass): two edits in a short key stay unreported, as before
    const withCac: Array<[string, string, string]> = [...BASE, ['cac-1', 'reliever medication', 'asthma'], ['ab-11', 'peak flow', 'asthma']];
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf(withCac),
      { code: 'xax-1', name: 'reliever medication', topic: 'asthma' },
      { code: 'ab-22', name: 'peak flow', topic: 'asthma' },
      { code: 'axi-4', name: 'aspirin at arrival', topic: 'heart attack' }]); // the control: one edit
    expect([...(await suspects())]).toEqual([[33, 'ami-4']]);
  });

  it('a partial compile includes the check with the dependency (determinant or dependent changed), not otherwise', async () => {
    const withExtra = contractOf(['code', 'name', 'topic', 'other'], [[['code'], ['name', 'topic']]]);
    expect(compileViolations(withExtra, 'u', ['code']).rules).toContain('fd-determinant:code->name+topic');
    expect(compileViolations(withExtra, 'u', ['topic']).rules).toContain('fd-determinant:code->name+topic');
    expect(compileViolations(withExtra, 'u', ['other']).rules).not.toContain('fd-determinant:code->name+topic');
  });

  it('never reports a rare legitimate key where many keys share a dependent (zip → city)', async () => {
    const zips = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
    const towns: Array<[string, string]> = [['12345', 'Springfield'], ['12355', 'Springfield'], ['54321', 'Shelbyville'], ['54331', 'Shelbyville'], ['67890', 'Ogdenville'], ['67899', 'Ogdenville'], ['24680', 'Haverbrook']];
    const rows: Row[] = towns.flatMap(([zip, city]) => Array.from({ length: 4 }, () => ({ zip, city })));
    rows.push({ zip: '12346', city: 'Springfield' }, { zip: '24681', city: 'Haverbrook' });
    await tableOf(conn, 'z', ['zip', 'city'], rows);
    expect([...(await suspects(zips, 'z'))]).toEqual([]);
  });

  // Many codes, each with its own name, so that the reverse mapping holds (for 24 of 25 names
  // where two codes share one): every table below also holds one typo that is reported, the
  // control that the case around it is left alone by its own guard.
  const many: Array<[string, string, string]> = Array.from({ length: 24 }, (_, i) => [`m${String.fromCharCode(97 + i)}-${i}`, `measure ${i}`, 'topic']);
  const control: Row = { code: 'md-y', name: 'measure 3', topic: 'topic' }; // md-3 misspelt

  it('changes nothing when two well-supported codes share the dependents (ambiguous), or the typo has other dependents', async () => {
    const rows = [...rowsOf(many, 3), ...rowsOf([['ab-1', 'shared name', 'topic'], ['ab-3', 'shared name', 'topic']], 4)];
    rows.push({ code: 'ab-2', name: 'shared name', topic: 'topic' }); // one edit from both ab-1 and ab-3
    rows.push({ code: 'ma-x', name: 'another measure', topic: 'topic' }); // one edit from ma-0, but its own name
    rows.push(control);
    await tableOf(conn, 'u', ['code', 'name', 'topic'], rows);
    expect([...(await suspects())]).toEqual([[rows.length, 'md-3']]);
    const two = `(SELECT * FROM u WHERE code IN ('ab-2', 'ma-x'))`;
    expect(await fdDeterminantTypo(conn, codes, cluster, 'u', two)).toBeNull();
  });

  it('changes nothing when the dependents are empty, the key is well supported, or the keys are not close', async () => {
    const rows = [
      ...rowsOf(many, 3),
      { code: 'mc-x', name: null, topic: 'topic' }, // mc-2 misspelt, but an empty dependent identifies nothing
      ...rowsOf([['mb-x', 'measure 1', 'topic']], 3), // three rows: an established key, not a typo's footprint
      { code: 'qqqq-99', name: 'measure 4', topic: 'topic' }, // the dependents of me-4, but spelt unlike it
      control,
    ];
    await tableOf(conn, 'u', ['code', 'name', 'topic'], rows);
    expect([...(await suspects())]).toEqual([[rows.length, 'md-3']]);
  });
});
