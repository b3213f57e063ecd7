// A4: keys compare as typed values. Generated batches spell each key several ways (`1`, `01`,
// `+1`, ` 1`, `1.50` for 1.5, `yes` for true...): exactly one row per typed key reaches
// production, every other spelling is a DUPLICATE_KEY in quarantine, and a later batch of other
// spellings replaces production rows (upsert by primary key) instead of adding a second row with the same key.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { count, csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { parseContract } from '../../main/contract/load.js';
import { listClusters } from '../../main/remediate/proposalStore.js';
import { acceptable, createWorkingCopy, verifyRule } from '../../main/remediate/verify.js';
import { runTables, streamTables } from '../../main/store/tables.js';

type Gen = { type: string; keys: (rand: () => number, n: number) => string[]; spell: (k: string, rand: () => number) => string };
const pick = <T>(rand: () => number, xs: T[]): T => xs[Math.floor(rand() * xs.length)];
const GENS: Gen[] = [
  {
    type: 'integer',
    keys: (_r, n) => Array.from({ length: n }, (_, i) => String(i * 7 + 1)),
    spell: (k, r) => pick(r, [k, `0${k}`, `+${k}`, ` ${k}`, `${k} `, `00${k}`, `+0${k}`])!,
  },
  {
    type: 'number',
    keys: (_r, n) => Array.from({ length: n }, (_, i) => `${i}.5`),
    spell: (k, r) => pick(r, [k, `${k}0`, `+${k}`, `0${k}`, ` ${k}`, `${k.replace('.', '')}e-1`])!,
  },
  {
    type: 'date',
    keys: (_r, n) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i * 3)).toISOString().slice(0, 10)),
    spell: (k, r) => pick(r, [k, ` ${k}`, `${k} `])!,
  },
  {
    type: 'boolean',
    keys: () => ['true', 'false'],
    spell: (k, r) => pick(r, k === 'true' ? ['true', 'TRUE', 't', 'yes', 'Y', '1'] : ['false', 'F', 'no', 'N', '0', 'False'])!,
  },
];

const contract = (type: string, composite: boolean) => [
  'apiVersion: v3.1.0', 'kind: DataContract', `id: k_${type}${composite ? '_c' : ''}`, 'name: k', 'version: 1.0.0', 'schema:',
  `  - name: k_${type}${composite ? '_c' : ''}`, '    properties:',
  composite ? `      - {name: k, logicalType: ${type}, required: true}` : `      - {name: k, logicalType: ${type}, primaryKey: true, required: true}`,
  '      - {name: part, logicalType: integer, required: true}',
  '      - {name: v, logicalType: string}',
  ...(composite ? ['    quality:', '      - {type: library, metric: duplicateValues, arguments: {properties: [k, part]}}'] : []),
].join('\n') + '\n';

const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

describe('keys compare as typed values (A4)', () => {
  for (const gen of GENS) {
    for (const composite of [false, true]) {
      it(`${gen.type}${composite ? ' composite (duplicateValues properties)' : ' primary key'}: one production row per typed key, over 3 seeds`, async () => {
        for (const seed of [11, 12, 13]) {
          const rand = seededRandom(seed * 31 + gen.type.length);
          const dir = tempDir(`keys-${gen.type}`);
          const cpath = writeInput(dir, 'c.odcs.yaml', contract(gen.type, composite));
          const engine = await openEngine(join(dir, 'ws'));
          engines.push(engine);
          const keys = gen.keys(rand, 40);
          // For a composite key the second part is constant per key, so equal typed k means equal key.
          const rowsFor = (tag: string) => keys.flatMap((k, i) =>
            Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, j) => [gen.spell(k, rand), composite ? pick(rand, [`${i}`, `0${i}`, `+${i}`]) : '1', `${tag}${i}.${j}`]));
          const rows = rowsFor('a');
          const run = (name: string, data: string[][]) => runBatch(engine, { file: writeInput(dir, name, csvText(['k', 'part', 'v'], data)), contractPath: cpath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
          const s1 = await run('one.csv', rows);
          const prod = `prod.k_${gen.type}${composite ? '_c' : ''}`;
          const label = `seed ${seed}`;
          expect(await count(engine, `SELECT count(*) FROM ${prod}`), label).toBe(keys.length);
          expect(await count(engine, `SELECT count(DISTINCT (k, part)) FROM ${prod}`), label).toBe(keys.length);
          expect(s1.successRows, label).toBe(keys.length);
          expect(s1.quarantineRows, label).toBe(rows.length - keys.length);
          expect(await count(engine, `SELECT count(DISTINCT row_id) FROM quarantine."k_${gen.type}${composite ? '_c' : ''}__violations" WHERE reason = 'DUPLICATE_KEY'`), label).toBe(rows.length - keys.length);
          // A second delivery, other spellings: production (upserted by primary key) still has one
          // row per key. A composite duplicateValues check is a batch check: no upsert key.
          if (composite) { engine.close(); continue; }
          const s2 = await run('two.csv', rowsFor('b').filter((_, i) => i % 2 === 0));
          expect(s2.reconciled, label).toBe(true);
          expect(await count(engine, `SELECT count(*) - count(DISTINCT (k, part)) FROM ${prod}`), label).toBe(0);
          expect(await count(engine, `SELECT count(DISTINCT (k, part)) FROM ${prod}`), label).toBe(keys.length);
          engine.close();
        }
      }, 120_000);
    }
  }
});

describe('remediation judges keys as typed values too (A4)', () => {
  for (const spelling of ['01', '+1', ' 1', '1', '001']) {
    it(`a fix that turns '1x' into key 1 is refused while '${spelling}' holds that key; a fix to a free key is not`, async () => {
      const dir = tempDir('keys-fix');
      const cpath = writeInput(dir, 'c.odcs.yaml', contract('integer', false));
      const engine = await openEngine(join(dir, 'ws'));
      engines.push(engine);
      const rows = [[spelling, '1', 'first'], ...Array.from({ length: 8 }, (_, i) => [String(i + 2), '1', `v${i}`]), ['1x', '1', 'second']];
      const summary = await runBatch(engine, { file: writeInput(dir, 'f.csv', csvText(['k', 'part', 'v'], rows)), contractPath: cpath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
      const c = parseContract(contract('integer', false), cpath);
      const s = { contract: c, runId: summary.runId, st: streamTables(c), rt: runTables(summary.runId) };
      const cluster = listClusters(engine.sqlite, summary.runId).find((x) => x.column === 'k')!;
      const work = await createWorkingCopy(engine.duck.conn, s, '_keys_work');
      // a proposer without evidence of its own, but not a language model (whose rules must also be spelled out by the failing value)
      const collide = await verifyRule(engine.duck.conn, s, work, cluster.id, 'k', { k: "replace(k, 'x', '')" }, undefined, false, undefined, 'synth:test');
      expect(acceptable(collide), JSON.stringify(collide)).toBe(false);
      const free = await verifyRule(engine.duck.conn, s, work, cluster.id, 'k', { k: "replace(k, '1x', '99')" }, undefined, false, undefined, 'synth:test');
      expect(acceptable(free), JSON.stringify(free)).toBe(true);
      engine.close();
    }, 60_000);
  }
});
