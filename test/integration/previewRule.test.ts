// previewRule, the full preview of a fix, on data whose answers the test knows because it built
// them: random files of lower-case codes (a pattern failure) and some bad amounts (a type
// failure), previewed with random value maps. The counts are worked out here from the generated
// rows, not from the engine; paging must reach every group exactly once. Hostile drafts are
// refused by the sandbox with a reason, and a map whose targets equal their sources changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, RulePreview } from '../../main/api/contract.js';
import type { MapRule, TypedRule } from '../../main/remediate/rules/ruleTypes.js';
import { tempDir } from '../helpers/tmp.js';
import { seeded, type Rng } from '../helpers/seeded.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: preview-test
name: preview_test
version: 1.0.0
schema:
  - name: preview_test
    properties:
      - { name: id, logicalType: integer, primaryKey: true, required: true }
      - { name: code, logicalType: string, required: true, logicalTypeOptions: { pattern: '[A-Z]{3}-[0-9]' } }
      - { name: amount, logicalType: number }
`;

const VOCAB = ['abc-1', 'abd-2', 'xyz-3', 'qrs-4', 'mno-5', 'tuv-6', 'efg-7', 'hij-8', 'klm-9', 'pqr-0', 'stu-1', 'vwx-2'];

interface Row { id: number; code: string; badAmount: boolean }

function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function ok(p: RulePreview): Extract<RulePreview, { ok: true }> {
  if (!p.ok) throw new Error(p.reason);
  return p;
}

let dir: string;
let h: Handlers;
let files = 0;

beforeAll(() => {
  dir = tempDir('preview-rule');
  mkdirSync(join(dir, 'in'), { recursive: true });
  writeFileSync(join(dir, 'in', 'contract.odcs.yaml'), CONTRACT);
  h = createHandlers({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models'), analyst: 'tester', version: 'test', emit: () => undefined });
});

afterAll(async () => {
  await h?.close();
});

/** A file of `n` rows: every `code` lower-case (so every row is in one pattern), some amounts not numbers. */
async function runFile(rng: Rng, n: number, name: string): Promise<{ runId: string; rows: Row[]; proposalId: string }> {
  // Keys never meet those of an earlier file of the stream (whose rows may have been promoted).
  const base = ++files * 100_000;
  const rows: Row[] = Array.from({ length: n }, (_, i) => ({ id: base + i + 1, code: rng.pick(VOCAB), badAmount: rng.chance(0.2) }));
  const file = join(dir, 'in', `${name}.csv`);
  writeFileSync(file, `id,code,amount\n${rows.map((r) => `${r.id},${r.code},${r.badAmount ? 'n/a' : (r.id * 1.5).toFixed(1)}`).join('\n')}\n`);
  const run = value(await h.table.runFile({ file, contractPath: join(dir, 'in', 'contract.odcs.yaml'), approval: { kind: 'none' }, useModels: false }));
  const state = value(await h.table.reviewState({ runId: run.runId }));
  const cluster = state.clusters.find((c) => c.column === 'code' && c.proposal);
  if (!cluster) throw new Error(`no proposal for code: ${JSON.stringify(state.clusters.map((c) => [c.column, c.reason, c.size]))}`);
  // Precondition of the expected answers below: the pattern is every row of the file.
  expect(cluster.size).toBe(n);
  return { runId: run.runId, rows, proposalId: cluster.proposal!.id };
}

async function preview(runId: string, proposalId: string, draft: TypedRule | undefined, offset = 0, limit = 500): Promise<RulePreview> {
  return value(await h.table.previewRule({ runId, proposalId, ...(draft ? { draft } : {}), offset, limit }));
}

const valid = (code: string) => /^[A-Z]{3}-[0-9]$/.test(code);

describe('previewRule', () => {
  it('counts every change of random value maps as the generated data says, and paging reaches every group once', async () => {
    for (const seed of [11, 23, 37]) {
      const rng = seeded(seed);
      const { runId, rows, proposalId } = await runFile(rng, rng.int(120, 260), `random-${seed}`);
      for (let trial = 0; trial < 3; trial++) {
        // Each line: upper-cased (a fix), another bad value (a change that still fails), or itself (no change).
        const entries = VOCAB.filter(() => rng.chance(0.7)).map((from) => {
          const r = rng.next();
          const to = r < 0.6 ? from.toUpperCase() : r < 0.8 ? `${from}x` : from;
          return { from, to, enabled: rng.chance(0.9) };
        });
        if (!entries.some((e) => e.enabled)) entries[0] = { ...entries[0], enabled: true };
        const map: MapRule = { kind: 'map', column: 'code', match: 'exact', entries };
        const target = new Map(entries.filter((e) => e.enabled).map((e) => [e.from, e.to]));
        const after = (r: Row) => target.get(r.code) ?? r.code;
        const changed = rows.filter((r) => after(r) !== r.code);
        const expectedGroups = new Map<string, number>();
        for (const r of changed) expectedGroups.set(`${r.code}\u0001${after(r)}`, (expectedGroups.get(`${r.code}\u0001${after(r)}`) ?? 0) + 1);
        const codeFails = rows.filter((r) => !valid(after(r))).length;
        const amountFails = rows.filter((r) => r.badAmount).length;
        const leave = rows.filter((r) => valid(after(r)) && !r.badAmount).length;

        const limit = rng.int(1, 4);
        const first = ok(await preview(runId, proposalId, map, 0, limit));
        const label = `seed ${seed} trial ${trial}`;
        expect(first.patternRows, label).toBe(rows.length);
        expect(first.cellsChanged, label).toBe(changed.length);
        expect(first.rowsChanged, label).toBe(changed.length);
        expect(first.leaveQuarantine, label).toBe(leave);
        expect(first.stillFailing, label).toBe(rows.length - leave);
        const by = Object.fromEntries(first.stillFailingBy.map((b) => [`${b.column}:${b.reason}`, b.rows]));
        expect(by, label).toEqual({ ...(codeFails ? { 'code:PATTERN_MISMATCH': codeFails } : {}), ...(amountFails ? { 'amount:TYPE_MISMATCH': amountFails } : {}) });
        // A value that still fails the same way is not a regression.
        expect(first.regressions, label).toBe(0);
        expect(first.groupCount, label).toBe(expectedGroups.size);

        const seen: string[] = [];
        let last = Infinity;
        for (let offset = 0; offset < first.groupCount; offset += limit) {
          const page = ok(await preview(runId, proposalId, map, offset, limit));
          expect(page.groups.length, label).toBe(Math.min(limit, first.groupCount - offset));
          for (const g of page.groups) {
            expect(g.cells, label).toBeLessThanOrEqual(last);
            last = g.cells;
            seen.push(`${g.before}\u0001${g.after}`);
            expect(g.cells, label).toBe(expectedGroups.get(`${g.before}\u0001${g.after}`));
          }
        }
        expect(new Set(seen).size, label).toBe(seen.length);
        expect([...seen].sort(), label).toEqual([...expectedGroups.keys()].sort());
      }
    }
  }, 240_000);

  it('a map whose targets equal their sources changes nothing, and says so', async () => {
    const rng = seeded(5);
    const { runId, rows, proposalId } = await runFile(rng, 80, 'same');
    const map: MapRule = { kind: 'map', column: 'code', match: 'exact', entries: VOCAB.map((v) => ({ from: v, to: v })) };
    const p = ok(await preview(runId, proposalId, map));
    expect(p).toMatchObject({ cellsChanged: 0, rowsChanged: 0, leaveQuarantine: 0, stillFailing: rows.length, regressions: 0, groupCount: 0, groups: [] });
  }, 60_000);

  it('previews the stored rule when no draft is given, and an expression draft like any other', async () => {
    const rng = seeded(7);
    const { runId, rows, proposalId } = await runFile(rng, 90, 'stored');
    const stored = ok(await preview(runId, proposalId, undefined));
    expect(stored.patternRows).toBe(rows.length);
    const upper = ok(await preview(runId, proposalId, { kind: 'expression', set: { code: 'upper(code)' } }));
    expect(upper.cellsChanged).toBe(rows.length);
    expect(upper.leaveQuarantine).toBe(rows.filter((r) => !r.badAmount).length);
    expect(upper.groupCount).toBe(new Set(rows.map((r) => r.code)).size);
    // Breaking a passing cell of the row is a regression: amount set to text on rows whose amount was fine.
    const broken = ok(await preview(runId, proposalId, { kind: 'expression', set: { amount: "'zz'" } }));
    expect(broken.regressions).toBe(rows.filter((r) => !r.badAmount).length);
  }, 60_000);

  it('an approved fix that changes nothing when applied says why', async () => {
    const rng = seeded(13);
    const { runId, proposalId } = await runFile(rng, 60, 'applied');
    const original = value(await h.table.reviewState({ runId })).clusters.find((c) => c.proposal?.id === proposalId)!.proposal!;
    expect(original.status).toBe('verified');
    expect(original.approval).toEqual({ allowed: true, reason: null });
    // An analyst's rule for one value the original rule already fixes: it runs after it and finds nothing left to change.
    const edit = value(await h.table.editProposal({ runId, proposalId, set: { code: 'upper(code)' }, where: "code = 'abc-1'" }));
    expect(edit.confidence).toBeNull();
    const beforePromotion = ok(await preview(runId, proposalId, undefined));
    value(await h.table.decideProposal({ runId, proposalId, decision: 'approve' }));
    if (edit.status === 'verified') value(await h.table.decideProposal({ runId, proposalId: edit.id, decision: 'approve' }));
    else throw new Error(`the edit was not verified: ${edit.sandboxReason}`);
    value(await h.table.promoteReviewed({ runId }));
    const mine = value(await h.table.reviewState({ runId })).clusters.find((c) => c.proposal?.id === edit.id)!.proposal!;
    expect(mine.status).toBe('applied');
    expect(mine.applied).toMatchObject({ cellsMatched: 0, cellsKept: 0, why: expect.stringContaining('matched no cell') });
    // The preview kept for the stored rule is not served once promotion has changed the rows.
    const afterPromotion = ok(await preview(runId, proposalId, undefined));
    expect(afterPromotion.patternRows).toBeLessThan(beforePromotion.patternRows);
    // Applying again is refused with the verdict's reason.
    const again = await h.table.decideProposal({ runId, proposalId: edit.id, decision: 'approve' });
    expect(again.ok).toBe(false);
  }, 60_000);

  it('refuses hostile drafts in the sandbox with a reason, and never runs them', async () => {
    const rng = seeded(9);
    const { runId, proposalId } = await runFile(rng, 40, 'hostile');
    const hostile = [
      "(SELECT string_agg(code, ',') FROM preview_test)",
      "code); DROP TABLE proposals; --",
      "read_csv('/etc/passwd')",
      "getenv('HOME')",
      'code || (SELECT 1)',
    ];
    for (const expr of hostile) {
      const p = await preview(runId, proposalId, { kind: 'expression', set: { code: expr } });
      expect(p.ok, expr).toBe(false);
      if (!p.ok) expect(p.reason, expr).toMatch(/^The sandbox refuses this rule: .+/);
    }
    const where = await preview(runId, proposalId, { kind: 'expression', set: { code: 'upper(code)' }, where: '1=1) OR (SELECT true' });
    expect(where.ok).toBe(false);
    const unknown = await preview(runId, proposalId, { kind: 'map', column: 'nope', match: 'exact', entries: [{ from: 'a', to: 'b' }] });
    expect(unknown).toEqual({ ok: false, reason: 'The sandbox refuses this rule: "nope" is not a column of this table' });
    // The workspace is untouched: review still answers.
    expect(value(await h.table.reviewState({ runId })).clusters.length).toBeGreaterThan(0);
  }, 60_000);
});
