// Every exportable function's Spark translation gives the same answers as DuckDB: each sample
// expression runs over adversarial rows in DuckDB (the engine Airlock itself uses) and, translated,
// in real Spark (PySpark local mode from the dbt venv, one SparkSession for the whole file). Both
// sides render the result as text and the texts must be equal row by row; an error must be an
// error on both sides. Functions that are not exportable are refused with their name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { translateRuleExpression } from '../../main/export/dbt/translateExpression.js';
import { NOT_EXPORTABLE, SPARK_EXPORTABLE } from '../../main/export/dbt/notExportable.js';
import { ADVERSARIAL_ROWS, CONSTRUCT_SAMPLES, NUMBER_TEXT_SAMPLES, SAMPLES } from '../fixtures/sparkTranslationSamples.js';
import { evaluateInSpark, type SparkResult } from '../helpers/sparkSql.js';

type Outcome = { values: Array<string | null>; type?: string } | { error: string };

const ALL_SAMPLES: string[] = [...Object.values(SAMPLES).flat(), ...CONSTRUCT_SAMPLES, ...NUMBER_TEXT_SAMPLES];

let db: LockedDuckDB;
const duck = new Map<string, Outcome>();
const spark = new Map<string, SparkResult>();

async function inDuckDB(expr: string): Promise<Outcome> {
  try {
    const rows = await queryRows<{ v: string | null; ty: string }>(
      db.conn,
      `SELECT CAST((${expr}) AS VARCHAR) AS v, typeof(${expr}) AS ty FROM t ORDER BY id`,
    );
    return { values: rows.map((r) => r.v), type: rows[0]?.ty };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] ?? 'error' };
  }
}

beforeAll(async () => {
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  const values = ADVERSARIAL_ROWS.map(
    ([id, a, b]) => `(${id}, ${a === null ? 'NULL' : sqlString(a)}, ${b === null ? 'NULL' : sqlString(b)})`,
  );
  await db.conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${values.join(', ')}) AS v(id, a, b)`);
  const translated: string[] = [];
  for (const expr of ALL_SAMPLES) {
    duck.set(expr, await inDuckDB(expr));
    const tr = translateRuleExpression(expr, 'spark');
    translated.push(tr.ok ? tr.sql : 'NULL');
  }
  const results = evaluateInSpark(ADVERSARIAL_ROWS, translated);
  ALL_SAMPLES.forEach((expr, i) => spark.set(expr, results[i]!));
}, 1_800_000);

afterAll(() => db?.close());

/**
 * What is compared: the result as text, or ERROR. DOUBLE results only are compared as numbers,
 * because the engines render the same double differently as text (DuckDB '1e+20', Spark
 * '1.0E20'); every other type must render to the same characters.
 */
function describeOutcome(o: Outcome | undefined, duckType?: string): unknown {
  if (!o) return 'missing';
  if ('error' in o) return 'ERROR';
  if (duckType !== 'DOUBLE' && duckType !== 'FLOAT') return o.values;
  return o.values.map((v) => (v === null ? null : canonicalDouble(v)));
}

function canonicalDouble(text: string): string {
  const t = text.toLowerCase();
  if (t === 'nan') return 'NaN';
  if (t === 'inf' || t === 'infinity') return 'Infinity';
  if (t === '-inf' || t === '-infinity') return '-Infinity';
  return String(Number(text));
}

function typeOf(o: Outcome | undefined): string | undefined {
  return o && 'type' in o ? o.type : undefined;
}

describe('each exportable function gives the same answers in DuckDB and Spark', () => {
  it('every exportable function has samples, and every sample is translated', () => {
    expect([...SPARK_EXPORTABLE].filter((f) => !SAMPLES[f]?.length)).toEqual([]);
    for (const expr of ALL_SAMPLES) expect(translateRuleExpression(expr, 'spark'), expr).toMatchObject({ ok: true });
  });

  for (const [fn, exprs] of Object.entries(SAMPLES)) {
    it(`${fn}: ${exprs.length} sample(s)`, () => {
      for (const expr of exprs) {
        const d = duck.get(expr);
        expect(d && 'values' in d ? 'values' : d, `DuckDB must run ${expr}`).toBe('values');
        const shown = `${expr} -> ${JSON.stringify(translateRuleExpression(expr, 'spark'))}`;
        expect(describeOutcome(spark.get(expr), typeOf(d)), shown).toEqual(describeOutcome(d, typeOf(d)));
      }
    });
  }

  it('CASE, IN, COALESCE, comparisons, casts and literals', () => {
    for (const expr of [...CONSTRUCT_SAMPLES, ...NUMBER_TEXT_SAMPLES]) {
      const d = duck.get(expr);
      const shown = `${expr} -> ${JSON.stringify(translateRuleExpression(expr, 'spark'))}`;
      expect(describeOutcome(spark.get(expr), typeOf(d)), shown).toEqual(describeOutcome(d, typeOf(d)));
    }
  });
});

describe('a rule using a function that is not exportable is refused, naming it', () => {
  for (const fn of ['regexp_split_to_array', 'strptime', 'reverse', 'trunc']) {
    it(fn, () => {
      const r = translateRuleExpression(`${fn}(a${fn === 'regexp_split_to_array' ? ", 'x'" : fn === 'strptime' ? ", '%Y'" : ''})`, 'spark');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toContain(`${fn}()`);
        expect(r.reason).toContain(NOT_EXPORTABLE.get(fn)!);
      }
    });
  }
  it('DuckDB evaluates the refused sample (the refusal is about Spark, not a broken rule)', async () => {
    expect(await inDuckDB(`reverse(a) || ${sqlString('!')}`)).toHaveProperty('values');
  });
});
