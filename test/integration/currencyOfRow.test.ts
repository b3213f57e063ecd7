// Amounts written with the currency their own row names (`EUR 478,68` beside `currency = EUR`)
// are reduced to the bare number even when the cluster mixes currencies; a marker that disagrees
// with the row, and separators that read two ways, are left in quarantine untouched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { listProposals } from '../../main/remediate/proposalStore.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: orders
name: orders
version: 1.0.0
schema:
  - name: orders
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: amount, logicalType: number, required: true, logicalTypeOptions: {minimum: 0, maximum: 100000}}
      - {name: currency, logicalType: string, required: true, logicalTypeOptions: {pattern: '[A-Z]{3}'}}
`;

const SYMBOL: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: 'C$' };

describe('an amount in its row\'s own currency', () => {
  it('keeps the bare number where the marker agrees with the row, and leaves everything else', async () => {
    const rng = seeded(11);
    const codes = ['USD', 'EUR', 'GBP', 'CAD'];
    const rows = Array.from({ length: 80 }, (_, i) => [String(i + 1), (rng.int(100, 999999) / 100).toFixed(2), codes[rng.int(0, 3)]]);
    // Mixed currencies in one shape (code, space, decimal comma), and other agreeing forms.
    const fixes = new Map<number, string>();
    const dirty = (i: number, text: (amount: string, code: string) => string) => {
      fixes.set(i + 1, rows[i][1]);
      rows[i][1] = text(rows[i][1], rows[i][2]);
    };
    for (const i of [2, 9, 15, 22, 31, 40, 47]) dirty(i, (a, c) => `${c} ${a.replace('.', ',')}`);
    dirty(50, (a, c) => `${a} ${c}`);
    dirty(53, (a, c) => `${SYMBOL[c]}${a}`);
    dirty(56, (a, c) => ` ${c.toLowerCase()} ${a.replace('.', ',')} `);
    // Left: a marker naming another currency, separators with two readings, a negative amount.
    rows.push(['81', 'GBP 12,50', 'EUR'], ['82', 'EUR 1,234', 'EUR'], ['83', 'EUR 1.234', 'EUR'], ['84', 'EUR -5,00', 'EUR'], ['85', '$12.50', 'EUR']);
    const dir = tempDir('currency-row');
    const contractPath = join(dir, 'c.yaml');
    writeFileSync(contractPath, CONTRACT);
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const run = await runBatch(engine, { file: writeInput(dir, 'o.csv', csvText(['id', 'amount', 'currency'], rows)), contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      const st = streamTables(loadContractFile(contractPath));
      const ids = [...fixes.keys()].join(', ');
      const prod = await queryRows<{ id: number; amount: number }>(engine.duck.conn, `SELECT id, amount FROM ${st.prod} WHERE id IN (${ids}) ORDER BY id`);
      expect(prod.map((r) => [Number(r.id), Number(r.amount)])).toEqual([...fixes].map(([id, a]) => [id, Number(a)]));
      const held = await queryRows<{ id: string; amount: string }>(engine.duck.conn, `SELECT id, amount FROM ${st.quarantine} ORDER BY CAST(id AS INTEGER)`);
      expect(held.map((r) => [r.id, r.amount])).toEqual([['81', 'GBP 12,50'], ['82', 'EUR 1,234'], ['83', 'EUR 1.234'], ['84', 'EUR -5,00'], ['85', '$12.50']]);
      const changed = await queryRows<{ n: number }>(engine.duck.conn, `SELECT count(*) AS n FROM ${st.changes} WHERE run_id = '${run.runId}'`);
      expect(Number(changed[0].n)).toBe(fixes.size);
      const rules = listProposals(engine.sqlite, run.runId).filter((p) => p.rule.proposer === 'synth:currency-of-row' && p.status === 'applied');
      expect(rules.length).toBeGreaterThan(0);
    } finally {
      engine.close();
    }
  }, 180_000);
});
