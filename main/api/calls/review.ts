// Review of a run's proposed fixes: clusters largest first, each with its latest proposal, the
// before/after preview, the analyst's decisions and edits (sandboxed and verified by the engine),
// and promotion of what was approved. The analyst's name goes into every audit entry.
import { UserError } from '../../contract/errors.js';
import { checkRule, decideProposal, editProposal, previewProposal, promoteReviewed, proposeManualEdit, reviewState } from '../../remediate/review.js';
import { getProposal, ruleOp, type StoredProposal } from '../../remediate/proposalStore.js';
import { describeRule } from '../../remediate/rules/describeRule.js';
import { previewRule } from '../../remediate/previewRule.js';
import { approvalOf } from '../../remediate/approval.js';
import type { RunStatus } from '../../pipeline/types.js';
import type { ProposalView, ReviewCluster } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';
import { withBadges } from './runs.js';
import { recorded } from './history.js';

type ReviewCalls = Pick<CallImpl, 'reviewState' | 'previewProposal' | 'previewRule' | 'decideProposal' | 'editProposal' | 'editMap' | 'editCells' | 'checkRule' | 'promoteReviewed'>;

export function proposalView(p: StoredProposal): ProposalView {
  const op = ruleOp(p.rule);
  return {
    id: p.id, clusterId: p.clusterId, column: p.column, status: p.status, proposer: p.proposer,
    // An analyst's edit carries no score of its own (its stored 1 is a placeholder for approval modes).
    confidence: p.proposer.startsWith('analyst:') ? null : p.confidence,
    approval: approvalOf(p), applied: p.status === 'applied' ? p.rule.applied ?? null : null,
    coverage: p.coverage, fixedRows: p.fixedRows, clusterRows: p.clusterRows,
    kind: op.kind, rule: op, description: describeRule(op),
    set: op.kind === 'expression' ? op.set : {}, where: op.kind === 'expression' ? op.where ?? null : null,
    reasoning: p.rule.reasoning, patternType: p.rule.patternType, sandboxReason: p.sandboxReason, decidedBy: p.decidedBy,
    model: p.rule.model ?? null,
  };
}

export function reviewCalls(session: EngineSession): ReviewCalls {
  const { ctx } = session;
  return {
    async reviewState({ runId }) {
      const engine = await session.engine();
      const run = engine.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: RunStatus } | undefined;
      if (!run) throw new UserError(`run ${runId} is not in this workspace. Pick a run from the Start screen.`);
      const { clusters, proposals } = reviewState(engine, runId);
      const byCluster = new Map<string, StoredProposal[]>();
      for (const p of proposals) byCluster.set(p.clusterId, [...(byCluster.get(p.clusterId) ?? []), p]);
      const counts: Record<string, number> = {};
      const out: ReviewCluster[] = clusters.map((c) => {
        const list = byCluster.get(c.id) ?? [];
        const latest = list[list.length - 1];
        const key = latest?.status ?? 'no proposal';
        counts[key] = (counts[key] ?? 0) + 1;
        return {
          id: c.id, column: c.column, reason: c.reason, reasons: c.reasons ?? [c.reason], size: c.size, distinctValues: c.distinctValues,
          samples: c.samples, proposal: latest ? proposalView(latest) : null, earlier: Math.max(0, list.length - 1),
        };
      });
      // The analyst's own cell edits (manual:<column>) have no cluster of the run's: each is
      // listed as a pattern of its own, after the run's, so it is reviewed and approved like any fix.
      const known = new Set(clusters.map((c) => c.id));
      for (const [clusterId, list] of byCluster) {
        if (known.has(clusterId) || !clusterId.startsWith('manual:')) continue;
        const latest = list[list.length - 1];
        const op = ruleOp(latest.rule);
        const cells = op.kind === 'manual' ? op.cells : [];
        const key = latest.status;
        counts[key] = (counts[key] ?? 0) + 1;
        out.push({
          id: clusterId, column: latest.column, reason: 'MANUAL_EDIT', reasons: ['MANUAL_EDIT'], size: cells.length, distinctValues: 0,
          samples: [], proposal: proposalView(latest), earlier: Math.max(0, list.length - 1),
        });
      }
      return { runId, status: run.status, clusters: out, counts };
    },

    previewProposal({ runId, proposalId }) {
      return session.exclusive((engine) => previewProposal(engine, runId, proposalId));
    },

    previewRule({ runId, proposalId, draft, offset, limit }) {
      return session.exclusive((engine) => previewRule(engine, runId, proposalId, draft, { offset, limit }));
    },

    decideProposal({ runId, proposalId, decision }) {
      return session.exclusive(async (engine) => proposalView(await recorded(session, engine, runId, decision, (p) => `${decision === 'approve' ? 'Approved' : 'Rejected'} the fix for ${p.column} (${p.id.split(':').slice(1).join(':')})`,
        async () => decideProposal(engine, runId, proposalId, decision, ctx.analyst))));
    },

    editProposal({ runId, proposalId, set, where }) {
      return session.exclusive(async (engine) => proposalView(await recorded(session, engine, runId, 'edit', (p) => `Edited the rule for ${p.column}: ${p.status}`,
        () => editProposal(engine, runId, proposalId, { set, where }, ctx.analyst))));
    },

    editMap({ runId, proposalId, entries }) {
      return session.exclusive(async (engine) => {
        const p = getProposal(engine.sqlite, proposalId);
        const op = p ? ruleOp(p.rule) : null;
        if (!p || p.runId !== runId || !op || op.kind !== 'map') throw new UserError(`proposal ${proposalId} of run ${runId} is not a value map: edit it as an expression.`);
        const counts = new Map(op.entries.map((e) => [e.from, e.count]));
        const edited = { ...op, entries: entries.map((e) => ({ from: e.from, to: e.to, enabled: e.enabled, ...(counts.get(e.from) !== undefined ? { count: counts.get(e.from) } : {}) })) };
        return proposalView(await recorded(session, engine, runId, 'edit', (e) => `Edited the value map for ${e.column}: ${e.status}`,
          () => editProposal(engine, runId, proposalId, { op: edited }, ctx.analyst)));
      });
    },

    editCells({ runId, column, cells }) {
      return session.exclusive(async (engine) => proposalView(await recorded(session, engine, runId, 'manual-edit', (p) => `Set ${cells.length} cell${cells.length === 1 ? '' : 's'} of ${column} by hand: ${p.status}`,
        () => proposeManualEdit(engine, runId, column, cells, ctx.analyst))));
    },

    checkRule({ runId, set, where }) {
      return session.exclusive((engine) => checkRule(engine, runId, { set, where }));
    },

    promoteReviewed({ runId }) {
      return session.exclusive(async (engine) => withBadges(await recorded(session, engine, runId, 'promote',
        (s) => `Promoted the approved fixes: ${s.quarantineRows.toLocaleString('en-US')} rows left in quarantine`, () => promoteReviewed(engine, runId))));
    },
  };
}
