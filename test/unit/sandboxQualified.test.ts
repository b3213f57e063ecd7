// The sandbox reads `t.a` as the row's column `a` and accepts it; a rule is applied by UPDATE of a
// working table that is not named t, where `t.a` fails to bind ("Referenced table t not found")
// and a recipe carrying it would stop the next run. The normalized text names the bare column.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { checkProposal } from '../../main/remediate/sandbox.js';
import { updateSql } from '../../main/remediate/verify.js';
import { tempDir } from '../helpers/tmp.js';

let db: LockedDuckDB;
beforeAll(async () => {
  const dir = tempDir('sandbox-qualified');
  db = await openLockedDuckDB({ path: join(dir, 'ws.duckdb'), allowedDirectories: [dir], threads: 1 });
});
afterAll(() => db?.close());

describe('a column written t.a', () => {
  it('is normalized to the bare column, and the rule applies by UPDATE', async () => {
    const r = await checkProposal(db.conn, { set: { a: "upper(t.a) || T.\"b\"", b: 't.b' }, where: 't.a IS NOT NULL' }, ['a', 'b']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.stringify(r.set)).not.toMatch(/\bt\./i);
    expect(r.where ?? '').not.toMatch(/\bt\./i);
    await db.conn.run("CREATE TABLE w (a VARCHAR, b VARCHAR, _airlock_row_id BIGINT); INSERT INTO w VALUES ('x', 'y', 1)");
    await db.conn.run(updateSql('w', r.set, '(1)', r.where));
    expect(await queryRows(db.conn, 'SELECT a, b FROM w')).toEqual([{ a: 'Xy', b: 'y' }]);
  });
});
