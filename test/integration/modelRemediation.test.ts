// Remediation with the tiny test models (a random-weight GGUF and a tiny ONNX embedder, built
// from code): on a table the deterministic synthesizer cannot fix, the model is called, the GGUF
// it ran is recorded with its SHA-256, every model proposal is either refused by the sandbox or
// verified, and nothing the model proposed reaches production unverified. Hostile or nonsense
// model output, fed through the same parse-and-check path, is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProposal } from '../../main/models/proposalSchema.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { checkProposal } from '../../main/remediate/sandbox.js';
import { count, partsCsv, PARTS_CONTRACT, sha256, writeInput } from '../helpers/fixtures.js';
import { testModels } from '../helpers/testModels.js';
import { tempDir } from '../helpers/tmp.js';

const COLUMNS = ['id', 'code', 'label'];
const { text, badIds } = partsCsv();

let engine: Engine;
let summary: RunSummary;
let gguf: string;

interface ProposalRow { proposal_id: string; proposer: string; status: string; sandbox_reason: string | null; rule_json: string }

beforeAll(async () => {
  const models = await testModels();
  gguf = models.gguf;
  const dir = tempDir('model-remediation');
  const file = writeInput(dir, 'parts.csv', text);
  const contractPath = writeInput(dir, 'parts.odcs.yaml', PARTS_CONTRACT);
  engine = await openEngine(join(dir, 'ws'));
  summary = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: models.gguf, embedderDir: models.embedderDir } });
});

afterAll(() => engine?.close());

const llmProposals = () => engine.sqlite.prepare(`SELECT * FROM proposals WHERE run_id = ? AND proposer LIKE 'llm:%'`).all(summary.runId) as ProposalRow[];

describe('a run with the tiny models on codes no deterministic strategy can repair', () => {
  it('calls the model and reconciles', () => {
    expect(summary.status).toBe('completed');
    expect(summary.reconciled).toBe(true);
    expect(summary.modelCalls).toBeGreaterThan(0);
    expect(summary.models?.llm).toBe('tiny-llama.gguf');
  });

  it('records the GGUF it ran in models_used with its SHA-256', () => {
    const row = engine.sqlite.prepare(`SELECT info_json FROM models_used WHERE run_id = ? AND role = 'llm'`).get(summary.runId) as { info_json: string } | undefined;
    expect(row).toBeDefined();
    const info = JSON.parse(row!.info_json) as { fileName: string; sha256: string; sizeBytes: number };
    const bytes = readFileSync(gguf);
    expect(info).toMatchObject({ fileName: 'tiny-llama.gguf', sha256: sha256(bytes), sizeBytes: bytes.length });
  });

  it('accounts for every model call: a stored proposal or an audited "no proposal"', () => {
    const noProposal = engine.audit.entries(summary.runId).filter((e) => e.kind === 'model' && e.payload.outcome === 'no proposal');
    for (const e of noProposal) expect((e.payload.model as { sha256: string }).sha256).toBe(sha256(readFileSync(gguf)));
    expect(noProposal.length + llmProposals().length).toBe(summary.modelCalls);
  });

  it('every model proposal was refused by the sandbox (with a reason) or verified before approval', () => {
    for (const p of llmProposals()) {
      const rule = JSON.parse(p.rule_json) as { verification?: Record<string, number> };
      if (p.status === 'rejected-by-sandbox' || p.status === 'unverified') expect(p.sandbox_reason, p.proposal_id).toMatch(/\S/);
      else {
        expect(['verified', 'approved', 'applied']).toContain(p.status);
        expect(rule.verification, p.proposal_id).toBeDefined();
      }
    }
  });

  it('nothing the model proposed reached production unverified: no bad code in production', async () => {
    const r = `'${summary.runId}'`;
    expect(await count(engine, `SELECT count(*) FROM prod.parts WHERE NOT regexp_full_match(code, '[A-Z]{3}-\\d{3}')`)).toBe(0);
    const applied = new Set(llmProposals().filter((p) => p.status === 'applied').map((p) => p.proposal_id));
    const modelChanges = (await engine.duck.conn.runAndReadAll(`SELECT DISTINCT rule FROM prod."parts__changes" WHERE run_id = ${r} AND proposer LIKE 'llm:%'`)).getRows().map((x) => String(x[0]));
    for (const rule of modelChanges) expect(applied.has(rule), rule).toBe(true);
    // each unrepairable row is still quarantined, unless a verified model rule fixed it
    for (const id of badIds) {
      const inQuarantine = await count(engine, `SELECT count(*) FROM quarantine.parts WHERE _airlock_run_id = ${r} AND _airlock_row_id = ${id}`);
      const fixedByModel = await count(engine, `SELECT count(*) FROM prod."parts__changes" WHERE run_id = ${r} AND row_id = ${id} AND proposer LIKE 'llm:%'`);
      expect(inQuarantine + fixedByModel, `row ${id}`).toBeGreaterThan(0);
    }
    expect(summary.successRows + summary.quarantineRows).toBe(summary.sourceRows);
  });
});

describe('hostile or nonsense model output, through the same path the model session uses', () => {
  // What ProposalModel.propose would hand back, as the JSON a model emits.
  const modelSays = (expression: string) => JSON.stringify({ kind: 'expression', expression, confidence: 'high' });
  const cases: Array<[string, string, string?]> = [
    ['reads a file', "read_csv('/etc/passwd')"],
    ['reads a file in a subquery', "(SELECT content FROM read_text('/etc/passwd'))"],
    ['breaks out of the expression to drop a table', "code); DROP TABLE prod.parts; --"],
    ['reads another table', '(SELECT max(code) FROM prod.parts)'],
    ['is prose, not SQL', 'the code should be corrected by a person who knows the part'],
    ['hides a file read in the WHERE', 'upper(code)', "code IN (SELECT column0 FROM read_csv('/etc/passwd'))"],
  ];

  for (const [what, expression, where] of cases) {
    it(`refuses output that ${what}`, async () => {
      const parsed = parseProposal(modelSays(expression));
      if ('error' in parsed || parsed.kind !== 'expression') throw new Error(`the model answer did not parse as an expression: ${JSON.stringify(parsed)}`);
      // a model answer has no row filter any more; a hostile one is still judged by the sandbox
      const before = await count(engine, 'SELECT count(*) FROM prod.parts');
      const verdict = await checkProposal(engine.duck.conn, { set: { code: parsed.expression }, ...(where ? { where } : {}) }, COLUMNS);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/\S/);
      expect(await count(engine, 'SELECT count(*) FROM prod.parts')).toBe(before);
    });
  }
});
