// One dirty file of the generalisation harness through the engine with a language model (or
// none), in this process so that one loaded model serves every run: `runBatch` with
// --approve-all as the CLI runs it (a batch held by a gate is released, as bench/general/run.ts
// does), then `airlock export` as a subprocess, scored per error kind. What the model did is read
// back from the run's own records: the audited model calls and the stored proposals.
import { join } from 'node:path';
import type { ProposalModel } from '../../main/models/llama.js';
import { openEngine } from '../../main/pipeline/context.js';
import { releaseRun } from '../../main/pipeline/release.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { listClusters } from '../../main/remediate/proposalStore.js';
import { readTable } from './csv.js';
import { AIRLOCK, node } from './run.js';
import { scoreKinds, type KindReport } from './score.js';
import type { Injection, Table } from './types.js';

export interface ModelCallStats {
  /** model calls the run made (the synthesizer found no verified rule for the cluster) */
  asked: number;
  /** answers that parsed into a rule */
  parsed: number;
  /** rules that passed the rule gate (the SQL sandbox for an expression) */
  sandboxed: number;
  /** rules verified on their cluster (harm guard included) */
  verified: number;
  promptTokens: number[];
  answerTokens: number[];
  ms: number[];
  /** why answers failed, counted */
  failures: Record<string, number>;
  /** the clusters a verified model rule fixed: column, reason and some of their values */
  fixedClusters: string[];
  /** clusters of the run that no verified rule fixed: with no model, the calls an unbounded model would get */
  unfixedClusters: number;
}

export interface ModelRunResult {
  summary: RunSummary;
  /** rows quarantined by routing, before any proposal: the suspects remediation works on */
  suspects: number;
  kinds: KindReport;
  stats: ModelCallStats;
  ms: number;
}

const short = (why: string) => why.replace(/\(.*$/, '').replace(/"[^"]*"/g, '"…"').slice(0, 90).trim();

export async function runWithModel(a: { dirty: string; contract: string; dir: string; clean: Table; log: Injection[]; model: ProposalModel | null; maxModelCalls: number; embedderDir?: string | null }): Promise<ModelRunResult> {
  const ws = join(a.dir, 'ws'), out = join(a.dir, 'out');
  const engine = await openEngine(ws, [], { create: true });
  const t0 = Date.now();
  let summary: RunSummary;
  let suspects = 0;
  const stats: ModelCallStats = { asked: 0, parsed: 0, sandboxed: 0, verified: 0, promptTokens: [], answerTokens: [], ms: [], failures: {}, fixedClusters: [], unfixedClusters: 0 };
  try {
    summary = await runBatch(engine, {
      file: a.dirty, contractPath: a.contract, approval: { kind: 'all' },
      remediation: a.model
        ? { loadedModel: a.model, embedderDir: a.embedderDir ?? null, maxModelCalls: a.maxModelCalls }
        : { modelPath: null, embedderDir: a.embedderDir ?? null },
    });
    const route = summary.reconciliation.find((r) => r.stage === 'route');
    suspects = route?.quarantineRows ?? summary.sourceRows - summary.fastLaneRows - summary.duplicateRows;
    if (summary.status === 'held') summary = await releaseRun(engine, summary.runId, 'bench:model');
    const runId = summary.runId;
    const calls = engine.audit.entries(runId).filter((e) => e.kind === 'model' && (e.payload.outcome === 'answered' || e.payload.outcome === 'no proposal'));
    stats.asked = summary.modelCalls;
    for (const c of calls) {
      stats.promptTokens.push(Number(c.payload.promptTokens));
      stats.answerTokens.push(Number(c.payload.answerTokens));
      stats.ms.push(Number(c.payload.ms));
      if (c.payload.outcome === 'answered') stats.parsed += 1;
      else stats.failures[`no rule: ${short(String(c.payload.error))}`] = (stats.failures[`no rule: ${short(String(c.payload.error))}`] ?? 0) + 1;
    }
    const proposals = engine.sqlite.prepare(`SELECT cluster_id, status, sandbox_reason FROM proposals WHERE run_id = ? AND proposer LIKE 'llm:%'`).all(runId) as { cluster_id: string; status: string; sandbox_reason: string | null }[];
    const clusters = new Map(listClusters(engine.sqlite, runId).map((c) => [c.id, c]));
    const fixedIds = new Set((engine.sqlite.prepare(`SELECT cluster_id FROM proposals WHERE run_id = ? AND status IN ('verified', 'approved', 'applied')`).all(runId) as { cluster_id: string }[]).map((p) => p.cluster_id));
    stats.unfixedClusters = [...clusters.keys()].filter((id) => !fixedIds.has(id)).length;
    for (const p of proposals) {
      if (p.status !== 'rejected-by-sandbox') stats.sandboxed += 1;
      if (['verified', 'approved', 'applied'].includes(p.status)) {
        stats.verified += 1;
        const c = clusters.get(p.cluster_id);
        stats.fixedClusters.push(c ? `${c.column} ${c.reason} (${c.samples.slice(0, 3).map((s) => JSON.stringify(s.value)).join(', ')})` : p.cluster_id);
      } else {
        const why = p.status === 'rejected-by-sandbox' ? `sandbox: ${short(p.sandbox_reason ?? '')}` : `unverified: ${short(p.sandbox_reason ?? '')}`;
        stats.failures[why] = (stats.failures[why] ?? 0) + 1;
      }
    }
  } finally {
    engine.close();
  }
  const ms = Date.now() - t0;
  let exp = await node([AIRLOCK, 'export', '--workspace', ws, '--out', out]);
  // as run.ts: a refused plain export is retried with --include-pii (same data files)
  if (exp.status !== 0) exp = await node([AIRLOCK, 'export', '--workspace', ws, '--out', out, '--include-pii']);
  if (exp.status !== 0) throw new Error(`export failed (${exp.status}): ${exp.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  const kinds = scoreKinds(a.clean, a.log, readTable(join(out, 'clean.csv')), readTable(join(out, 'quarantine.csv')));
  return { summary, suspects, kinds, stats, ms };
}
