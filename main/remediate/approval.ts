// Whether a fix may be approved, and if not, the sentence that says why: one verdict for the
// review screen's button, its keyboard shortcut and the engine's decision call, so the screen
// never offers what the engine then refuses.
import type { StoredProposal } from './proposalStore.js';

export interface ApprovalVerdict {
  allowed: boolean;
  /** why it may not be approved (null when it may) */
  reason: string | null;
}

const yes: ApprovalVerdict = { allowed: true, reason: null };
const no = (reason: string): ApprovalVerdict => ({ allowed: false, reason });

export function approvalOf(p: Pick<StoredProposal, 'status' | 'sandboxReason' | 'rule'>): ApprovalVerdict {
  switch (p.status) {
    case 'approved': return no('Already approved: promote the approved fixes to apply it.');
    case 'applied': return no('Already applied.');
    case 'rejected-by-sandbox': return no(`The sandbox refused this rule${p.sandboxReason ? `: ${p.sandboxReason}` : ''}. Edit it, or reject it.`);
    case 'unverified': return no(`Not verified${p.sandboxReason ? `: ${p.sandboxReason}` : ''}. Only a verified rule can be approved: edit it, or reject it.`);
    case 'proposed': return no('Not verified yet: only a verified rule can be approved.');
    case 'verified':
    case 'rejected': break;
  }
  const v = p.rule.verification;
  // A rejected rule may be approved again only if it was verified when it was proposed.
  if (p.status === 'rejected' && !v) return no('This rule was never verified: only a verified rule can be approved.');
  if (v && Number(v.regressions) > 0) return no(`${v.regressions} changed row${v.regressions === 1 ? '' : 's'} would newly fail a check (regressions). Edit the rule so that it breaks nothing, or reject it.`);
  if (v && v.changedRows !== undefined && Number(v.changedRows) === 0) return no('This rule changes no cell of its pattern: there is nothing to approve.');
  if (p.status === 'rejected' && v && !(Number(v.cellsFixed) > 0)) return no('This rule fixes no cell: only a verified rule can be approved.');
  return yes;
}
