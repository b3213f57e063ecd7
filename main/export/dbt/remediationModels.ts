// The recipe applied as Airlock applies approved rules (main/remediate/apply.ts): in order, each
// to the quarantined cells failing in a column it writes; then "do no harm": a changed row whose
// change made it fail a check it did not fail before (a written cell, or two other cells) gets
// its arrived values back, and every row is judged again, at most MAX_REVERT_PASSES times, after
// which nothing changed is kept. The engine loops; here each pass is a model (a pass with nothing
// to revert leaves everything as it is). Rows that then pass every check are the remediated lane.
import type { Contract } from '../../contract/types.js';
import type { ReferenceTables } from '../../contract/reference.js';
import { sqlIdent, sqlString } from '../../store/duckdb.js';
import { compileViolations } from '../../validate/compileViolations.js';
import { REVEALED_REASON, sameEntitySql } from '../../remediate/sameEntity.js';
import { ref } from './jinjaSql.js';
import { columnList } from './laneModels.js';
import type { DbtModel, DbtSeed } from './model.js';
import type { ModelNames } from './names.js';
import { ruleStep, type ExportedRule } from './ruleModels.js';
import type { TranslationTarget } from './translateExpression.js';

/** As apply.ts: rounds of "revert the harmed rows, judge everyone again" before nothing is kept. */
export const MAX_REVERT_PASSES = 5;

export interface RemediationModels {
  models: DbtModel[];
  seeds: DbtSeed[];
}

interface Ctx {
  contract: Contract;
  names: ModelNames;
  reference?: ReferenceTables;
  dialect: TranslationTarget;
}

/** The working copy after one rule: its cells changed where the rule applies, the rest as before. */
function applySql(ctx: Ctx, prev: string, set: Record<string, string>, written: string[], where?: string): string {
  const ids = `(SELECT DISTINCT row_id FROM ${ref(ctx.names.violations)} WHERE "column" IN (${written.map(sqlString).join(', ')}))`;
  // As apply.ts: a cell takes at most one rule per application, so a row whose written cells an
  // earlier rule already changed is left to it (a later rule would re-read that rule's output).
  const touched = written.map((c) => `a.${sqlIdent(c)} IS DISTINCT FROM p.${sqlIdent(c)}`).join(' OR ');
  const earlier = prev === ctx.names.arrived ? ''
    : ` AND _airlock_row_id NOT IN (SELECT a._airlock_row_id FROM ${ref(ctx.names.arrived)} a JOIN ${ref(prev)} p ON p._airlock_row_id = a._airlock_row_id WHERE ${touched})`;
  const cond = `_airlock_row_id IN ${ids}${earlier}${where ? ` AND coalesce((${where}), false)` : ''}`;
  const list = ctx.contract.columns.map((c) => {
    const expr = set[c.name];
    const v = sqlIdent(c.name);
    return expr === undefined ? v : `CASE WHEN ${cond} THEN (${expr}) ELSE ${v} END AS ${v}`;
  });
  return `SELECT ${list.join(',\n  ')},\n  _airlock_row_id\nFROM ${ref(prev)}`;
}

/**
 * The working copy's violations judged in the batch (rows that passed on arrival, plus the
 * working copy): the checks the changed columns can affect run again, the others carry over
 * from arrival (verify.ts violationsOf).
 */
function leftSql(ctx: Ctx, work: string, changed: string[]): string {
  const n = ctx.names;
  const universe = `(SELECT ${columnList(ctx.contract)}, _airlock_row_id FROM ${ref(n.candidates)} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${ref(n.arrived)})
  UNION ALL SELECT ${columnList(ctx.contract)}, _airlock_row_id FROM ${ref(work)})`;
  const { sql, rules } = compileViolations(ctx.contract, universe, changed);
  const kept = `SELECT row_id, "column", reason, rule, detail FROM ${ref(n.violations)}${rules.length ? ` WHERE rule NOT IN (${rules.map(sqlString).join(', ')})` : ''}`;
  return `SELECT * FROM (${sql}) fresh WHERE row_id IN (SELECT _airlock_row_id FROM ${ref(n.arrived)})
UNION ALL ${kept}`;
}

/** Rows the pass reverts: a written cell newly failing, or two other cells; on the last pass, every changed row if any is harmed. */
function harmedSql(ctx: Ctx, left: string, changes: string, last: boolean): string {
  // As apply.ts: a dependency conflict a same-entity normalization reveals is no harm (sameEntity.ts).
  // (coalesce(… IN …, false): row ids are never NULL; it lets the Spark translation read the IN under NOT.)
  const harmed = `WITH same AS (SELECT row_id FROM ${ref(changes)} GROUP BY row_id HAVING bool_and(same_entity)),
  fresh AS (SELECT DISTINCT a.row_id, a."column" FROM ${ref(left)} a
    ANTI JOIN ${ref(ctx.names.violations)} b ON a.row_id = b.row_id AND a."column" = b."column" AND a.reason = b.reason
    WHERE a.row_id IN (SELECT row_id FROM ${ref(changes)})
      AND NOT (a.reason = ${sqlString(REVEALED_REASON)} AND coalesce(a.row_id IN (SELECT row_id FROM same), false)
               AND NOT EXISTS (SELECT 1 FROM ${ref(changes)} c WHERE c.row_id = a.row_id AND c."column" = a."column"))),
  judged AS (SELECT f.row_id, bool_or(c.row_id IS NOT NULL) AS own, count(*) FILTER (WHERE c.row_id IS NULL) AS others
    FROM fresh f LEFT JOIN (SELECT DISTINCT row_id, "column" FROM ${ref(changes)}) c ON c.row_id = f.row_id AND c."column" = f."column" GROUP BY f.row_id),
  harmed AS (SELECT row_id FROM judged WHERE own OR others >= 2)`;
  return last
    ? `${harmed}\nSELECT DISTINCT row_id FROM ${ref(changes)} WHERE EXISTS (SELECT 1 FROM harmed)`
    : `${harmed}\nSELECT row_id FROM harmed`;
}

function revertSql(ctx: Ctx, work: string, harmed: string): string {
  const list = ctx.contract.columns.map((c) => `CASE WHEN w._airlock_row_id IN (SELECT row_id FROM ${ref(harmed)}) THEN o.${sqlIdent(c.name)} ELSE w.${sqlIdent(c.name)} END AS ${sqlIdent(c.name)}`);
  return `SELECT ${list.join(',\n  ')},\n  w._airlock_row_id\nFROM ${ref(work)} w JOIN ${ref(ctx.names.arrived)} o ON o._airlock_row_id = w._airlock_row_id`;
}

export function remediationModels(contract: Contract, names: ModelNames, rules: ExportedRule[], reference: ReferenceTables | undefined, dialect: TranslationTarget): RemediationModels {
  const ctx: Ctx = { contract, names, reference, dialect };
  const models: DbtModel[] = [];
  const seeds: DbtSeed[] = [];
  const cols = columnList(contract);
  let prev = names.arrived;
  const changeParts: string[] = [];
  const written = new Set<string>();
  rules.forEach((r, k) => {
    const i = k + 1;
    const step = ruleStep(i, r, { contract, names, prev, reference, dialect });
    models.push(...step.models);
    seeds.push(...step.seeds);
    const work = names.rule(i);
    models.push({ name: work, dir: 'remediation', sql: applySql(ctx, prev, step.set, step.written, step.where), description: `The working copy after recipe rule ${i} (${r.id}, ${r.rule.kind} on ${r.column}).` });
    for (const c of step.written) {
      written.add(c);
      changeParts.push(`SELECT w._airlock_row_id AS row_id, ${sqlString(c)} AS "column", ${i} AS seq, ${sameEntitySql(ctx.contract, c, `p.${sqlIdent(c)}`, `w.${sqlIdent(c)}`)} AS same_entity FROM ${ref(work)} w JOIN ${ref(prev)} p ON p._airlock_row_id = w._airlock_row_id
  WHERE w.${sqlIdent(c)} IS DISTINCT FROM p.${sqlIdent(c)}`);
    }
    prev = work;
  });
  const n = names;
  if (rules.length === 0) {
    // No recipe: nothing is remediated, quarantine stays as it arrived.
    models.push({ name: n.remediated, dir: 'remediation', sql: `SELECT ${cols}, _airlock_row_id FROM ${ref(n.arrived)} WHERE false`, description: 'Rows the recipe repaired so that they pass every check (none: the recipe is empty).' });
    models.push({ name: n.quarantine, dir: 'remediation', sql: quarantineSql(n.arrived, null, n), description: 'Rows still failing, with the reasons that remain.' });
    return { models, seeds };
  }
  models.push({ name: n.changes, dir: 'remediation', sql: changeParts.join('\nUNION ALL '), description: 'Every cell a recipe rule changed: (row_id, column, seq).' });
  const changed = [...written];
  let work = prev;
  let changes = n.changes;
  for (let p = 1; p <= MAX_REVERT_PASSES; p++) {
    const left = n.pass(p, 'left');
    const harmed = n.pass(p, 'harmed');
    models.push({ name: left, dir: 'remediation', sql: leftSql(ctx, work, changed), description: `Do-no-harm pass ${p}: the working copy's violations, judged in the batch.` });
    models.push({ name: harmed, dir: 'remediation', sql: harmedSql(ctx, left, changes, p === MAX_REVERT_PASSES), description: `Do-no-harm pass ${p}: rows whose changes made them fail a new check.` });
    const nextChanges = n.pass(p, 'changes');
    models.push({ name: nextChanges, dir: 'remediation', sql: `SELECT * FROM ${ref(changes)} WHERE row_id NOT IN (SELECT row_id FROM ${ref(harmed)})`, description: `Do-no-harm pass ${p}: the changes kept.` });
    const nextWork = n.pass(p, 'work');
    models.push({ name: nextWork, dir: 'remediation', sql: revertSql(ctx, work, harmed), description: `Do-no-harm pass ${p}: the working copy with harmed rows back as they arrived.` });
    work = nextWork;
    changes = nextChanges;
  }
  const finalLeft = n.pass(MAX_REVERT_PASSES + 1, 'left');
  models.push({ name: finalLeft, dir: 'remediation', sql: leftSql(ctx, work, changed), description: 'The violations that remain after the recipe.' });
  models.push({
    name: n.remediated, dir: 'remediation',
    sql: `SELECT ${cols}, _airlock_row_id FROM ${ref(work)}
WHERE _airlock_row_id NOT IN (SELECT row_id FROM ${ref(finalLeft)})`,
    // As apply.ts: a row the recipe did not touch leaves too once no violation is left (a peer's
    // repair ended its group's disagreement).
    description: 'Rows that pass every check after the recipe (repaired, or freed by the repair of another row), with their current values.',
  });
  models.push({ name: n.quarantine, dir: 'remediation', sql: quarantineSql(work, { changes, left: finalLeft }, n), description: 'Rows still failing, with their current values and the reasons that remain.' });
  return { models, seeds };
}

/** Rows still failing, with their current values and the reasons left (on arrival, when there is no recipe). */
function quarantineSql(work: string, after: { changes: string; left: string } | null, n: ModelNames): string {
  const reasons = (v: string) => `(SELECT row_id, string_agg(DISTINCT "column" || ':' || reason, ';' ORDER BY "column" || ':' || reason) AS _airlock_reasons FROM ${v} GROUP BY row_id)`;
  if (!after) return `SELECT w.*, r._airlock_reasons FROM ${ref(work)} w JOIN ${reasons(ref(n.violations))} r ON r.row_id = w._airlock_row_id`;
  // Every held row carries the reasons that remain after the recipe, changed or not (apply.ts).
  return `SELECT w.*, r._airlock_reasons FROM ${ref(work)} w JOIN ${reasons(ref(after.left))} r ON r.row_id = w._airlock_row_id`;
}
