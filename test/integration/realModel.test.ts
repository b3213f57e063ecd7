// The real language model, end to end: SmolLM2-135M-Instruct (a real GGUF, ChatML template read
// from the file) is asked for a repair rule on a real quarantined cluster; its answer is parsed,
// passed through the rule gate (the SQL sandbox) and verified on the cluster, and the values it
// writes are the truth. A whole run with the model then shows that whatever the model answers for
// the clusters the synthesizer leaves, no wrong value reaches production. A hostile answer (a
// rule that reads a file) is refused by the sandbox. Greedy (temperature 0, fixed seed), 1 thread.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContractFile } from '../../main/contract/load.js';
import type { Contract } from '../../main/contract/types.js';
import { ProposalModel } from '../../main/models/llama.js';
import { parseProposal } from '../../main/models/proposalSchema.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { ruleFromProposal } from '../../main/remediate/modelRule.js';
import { ModelSession } from '../../main/remediate/modelSession.js';
import { listClusters } from '../../main/remediate/proposalStore.js';
import { validSampleOf } from '../../main/remediate/remediate.js';
import { validateRule } from '../../main/remediate/rules/validateRule.js';
import { acceptable, createWorkingCopy, initWorkingViolations, verifyTypedRule } from '../../main/remediate/verify.js';
import { queryRows, sqlString } from '../../main/store/duckdb.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { realGguf } from '../helpers/realGguf.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: accounts
name: accounts
version: 1.0.0
schema:
  - name: accounts
    properties:
      - name: id
        logicalType: integer
        primaryKey: true
        required: true
      - name: sku
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '[A-Z]{2}-[0-9]{4}' }
      - name: status
        logicalType: string
        required: true
        quality:
          - metric: invalidValues
            arguments: { validValues: [active, inactive, pending] }
`;

const HEADER = ['id', 'sku', 'status'];
const STATUSES = ['active', 'inactive', 'pending'];
const LETTERS = 'ABCDEFGHJK';

/** 90 clean rows, and the delivered file: SKUs lower-cased or with a leading space, statuses under synonyms. */
function accounts(): { truth: Map<number, string[]>; dirty: string[][] } {
  const truth = new Map<number, string[]>();
  const dirty: string[][] = [];
  for (let i = 1; i <= 90; i++) {
    const sku = `${LETTERS[i % 10]}${LETTERS[(i * 3) % 10]}-${String(1000 + ((i * 37) % 9000))}`;
    const status = STATUSES[i % 3];
    truth.set(i, [String(i), sku, status]);
    let s = sku, st = status;
    if (i % 9 === 1) s = sku.toLowerCase();
    if (i % 9 === 5) s = ` ${sku}`;
    if (i % 10 === 3) st = { active: 'enabled', inactive: 'disabled', pending: 'awaiting' }[status]!;
    dirty.push([String(i), s, st]);
  }
  return { truth, dirty };
}

let model: ProposalModel;

beforeAll(async () => {
  const { smollm2 } = await realGguf();
  model = await ProposalModel.load(smollm2, { gpu: false, threads: 1 });
});

afterAll(async () => {
  await model?.dispose();
});

describe('SmolLM2-135M-Instruct (real GGUF) on a quarantined cluster', () => {
  let engine: Engine;
  let run: RunSummary;
  let contract: Contract;
  const { truth, dirty } = accounts();

  beforeAll(async () => {
    const dir = tempDir('real-model-cluster');
    const contractPath = writeInput(dir, 'accounts.odcs.yaml', CONTRACT);
    contract = loadContractFile(contractPath);
    engine = await openEngine(join(dir, 'ws'));
    // review mode, no model: the clusters stay quarantined, for the model to be asked directly
    run = await runBatch(engine, { file: writeInput(dir, 'a.csv', csvText(HEADER, dirty)), contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
  });

  afterAll(() => engine?.close());

  it('reads the chat template from the file and counts the prompt with its tokenizer', () => {
    expect(model.info.chatWrapper).toBe('ChatML');
    expect(model.info.threads).toBe(1);
  });

  it('answers for the SKU cluster with a rule that parses, passes the sandbox, is verified and writes the truth', async () => {
    const scope = { contract, runId: run.runId, st: streamTables(contract), rt: runTables(run.runId) };
    const cluster = listClusters(engine.sqlite, run.runId).find((c) => c.column === 'sku' && c.samples.some((s) => s.value?.startsWith(' ')) && c.samples.some((s) => /[a-z]/.test(s.value ?? '')))
      ?? listClusters(engine.sqlite, run.runId).find((c) => c.column === 'sku')!;
    expect(cluster).toBeDefined();
    const session = new ModelSession(engine, run.runId, { loadedModel: model, embedderDir: null });
    const valid = await validSampleOf(engine, scope, 'sku');
    const candidate = await session.propose(contract, cluster, valid);
    // parsed: the grammar-bound answer became a typed rule
    const noProposal = () => engine.audit.entries(run.runId).filter((e) => e.kind === 'model' && e.payload.outcome === 'no proposal').map((e) => String(e.payload.error));
    expect(candidate, `the model gave no parseable answer: ${noProposal().join('; ')}`).not.toBeNull();
    const again = await session.propose(contract, cluster, valid);
    expect(again?.op, 'greedy decoding from an empty context: the same answer twice').toEqual(candidate!.op);
    console.log(`SmolLM2 on ${cluster.column} (${cluster.samples.map((s) => JSON.stringify(s.value)).join(', ')}): ${JSON.stringify(candidate!.op)}`);
    // sandboxed
    const checked = await validateRule(engine.duck.conn, candidate!.op, contract);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    // verified on the cluster, with the model's harm guard
    const conn = engine.duck.conn;
    const work = await createWorkingCopy(conn, scope, '_rm_work');
    const viol = await initWorkingViolations(conn, scope, '_rm_viol');
    const v = await verifyTypedRule(conn, scope, work, viol, cluster.id, 'sku', checked.rule, true, undefined, candidate!.proposer);
    expect(v.harm).toBeUndefined();
    expect(acceptable(v)).toBe(true);
    expect(v.cellsFixed).toBe(cluster.size);
    // and what it wrote is the clean value of every row it changed
    const rows = await queryRows<{ id: number; sku: string }>(conn, `SELECT _airlock_row_id AS id, sku FROM ${work}
      WHERE _airlock_row_id IN (SELECT row_id FROM quarantine."accounts__clusters" WHERE run_id = ${sqlString(run.runId)} AND cluster_id = ${sqlString(cluster.id)})`);
    expect(rows.length).toBe(cluster.size);
    for (const r of rows) expect(r.sku, `row ${r.id}`).toBe(truth.get(Number(r.id))![1]);
    await conn.run('DROP TABLE _rm_work; DROP TABLE _rm_viol;');
  });

  it('records every call it made with its prompt and answer tokens and its time', () => {
    const calls = engine.audit.entries(run.runId).filter((e) => e.kind === 'model' && (e.payload.outcome === 'answered' || e.payload.outcome === 'no proposal'));
    expect(calls.length).toBe(2);
    for (const c of calls) {
      expect(c.payload.promptTokens as number).toBeGreaterThan(100);
      expect(c.payload.promptTokens as number).toBeLessThan(1500);
      expect(c.payload.answerTokens as number).toBeGreaterThan(5);
      expect(c.payload.ms as number).toBeGreaterThan(0);
    }
  });

  it('refuses a hostile answer: a rule that reads a file never passes the sandbox', async () => {
    const failing = [' AB-1234', 'ab-1234'];
    for (const expression of ["read_csv('/etc/passwd')", "read_text('/etc/passwd')", "x || (SELECT content FROM read_text('/etc/passwd'))", "getenv('HOME')"]) {
      const answer = parseProposal(JSON.stringify({ kind: 'expression', expression, confidence: 'high' }), failing);
      if ('error' in answer) throw new Error(`the hostile answer should parse (it is well-formed), got: ${answer.error}`);
      const verdict = await validateRule(engine.duck.conn, ruleFromProposal(answer, 'sku'), contract);
      expect(verdict.ok, expression).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/\S/);
    }
  });
});

describe('a whole run with SmolLM2 for what the synthesizer leaves', () => {
  let engine: Engine;
  let run: RunSummary;
  const { truth, dirty } = accounts();

  beforeAll(async () => {
    const dir = tempDir('real-model-run');
    const contractPath = writeInput(dir, 'accounts.odcs.yaml', CONTRACT);
    engine = await openEngine(join(dir, 'ws'));
    run = await runBatch(engine, { file: writeInput(dir, 'b.csv', csvText(HEADER, dirty)), contractPath, approval: { kind: 'all' }, remediation: { loadedModel: model, embedderDir: null } });
  });

  afterAll(() => engine?.close());

  it('asks the model, accounts for every call and reconciles', () => {
    expect(run.status).toBe('completed');
    expect(run.reconciled).toBe(true);
    expect(run.modelCalls).toBeGreaterThan(0);
    const audited = engine.audit.entries(run.runId).filter((e) => e.kind === 'model' && (e.payload.outcome === 'answered' || e.payload.outcome === 'no proposal'));
    expect(audited.length).toBe(run.modelCalls);
    const outcomes = audited.map((e) => e.payload.outcome === 'answered' ? `answered ${String(e.payload.kind)}` : `no proposal: ${String(e.payload.error)}`);
    const stored = engine.sqlite.prepare(`SELECT status, sandbox_reason FROM proposals WHERE run_id = ? AND proposer LIKE 'llm:%'`).all(run.runId) as { status: string; sandbox_reason: string | null }[];
    console.log(`SmolLM2 whole run: ${run.modelCalls} calls: ${outcomes.join(' | ')}; stored: ${stored.map((p) => `${p.status}${p.sandbox_reason ? ` (${p.sandbox_reason})` : ''}`).join(' | ')}`);
    expect(stored.length).toBe(audited.filter((e) => e.payload.outcome === 'answered').length);
  });

  it('no wrong change reached production: every promoted row is the clean row', async () => {
    const prod = await queryRows<{ id: number; sku: string; status: string }>(engine.duck.conn, 'SELECT id, sku, status FROM prod.accounts');
    expect(prod.length).toBe(run.successRows);
    const wrong = prod.filter((r) => truth.get(Number(r.id))!.join('\u0000') !== [String(r.id), r.sku, r.status].join('\u0000'));
    expect(wrong).toEqual([]);
    // the model's own changes, if any were applied, are among them: none may be wrong
    const modelChanges = await queryRows<{ row_id: number; column: string; new_value: string }>(engine.duck.conn,
      `SELECT row_id, "column", new_value FROM prod."accounts__changes" WHERE run_id = ${sqlString(run.runId)} AND proposer LIKE 'llm:%'`);
    const col = (c: string) => HEADER.indexOf(c);
    expect(modelChanges.filter((c) => truth.get(Number(c.row_id))![col(c.column)] !== c.new_value)).toEqual([]);
    expect(run.successRows + run.quarantineRows + run.duplicateRows).toBe(run.sourceRows);
  });
});
