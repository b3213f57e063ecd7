// Why Approve is off for a fix, if it is: the engine's verdict on the stored proposal first (the
// same one decideProposal holds to), then what the full preview of the rule shows now.
import type { ProposalView, RulePreview } from '../../../main/api/contract.js';

type PreviewOk = Extract<RulePreview, { ok: true }>;

/** null when Approve may be pressed; otherwise the sentence shown beside it. */
export function approveBlock(p: ProposalView, editing: boolean, preview: PreviewOk | null): string | null {
  if (!p.approval.allowed) return p.approval.reason ?? 'This rule cannot be approved.';
  if (editing) return 'The rule is being edited: save the edit (it is verified as a new proposal) or cancel it first.';
  if (!preview) return null;
  if (preview.regressions > 0) return `${preview.regressions} changed row${preview.regressions === 1 ? '' : 's'} would newly fail a check (regressions). Edit the rule so that it breaks nothing, or reject it.`;
  if (preview.cellsChanged === 0) return 'This rule changes no cell of its pattern as its rows stand now (a fix it depends on may have to be promoted first).';
  return null;
}
