// approvalOf: the one verdict the review screen's Approve button and the engine's decision share.
import { describe, expect, it } from 'vitest';
import { approvalOf } from '../../main/remediate/approval.js';
import type { StoredProposal } from '../../main/remediate/proposalStore.js';

const rule = (verification?: Record<string, number>): StoredProposal['rule'] => ({ op: { kind: 'expression', set: { a: 'upper(a)' } }, confidence: 0.9, reasoning: '', patternType: 'x', proposer: 'synth:x', ...(verification ? { verification } : {}) });
const v = { clusterRows: 10, changedRows: 10, cellsFixed: 10, fullyValid: 10, coverage: 1, regressions: 0 };

describe('approvalOf', () => {
  it('allows a verified rule that changes cells and breaks nothing', () => {
    expect(approvalOf({ status: 'verified', sandboxReason: null, rule: rule(v) })).toEqual({ allowed: true, reason: null });
  });

  it('refuses, with the reason, what is not verified, breaks rows, or changes nothing', () => {
    expect(approvalOf({ status: 'unverified', sandboxReason: 'fixed 0 of 10 cells, 0 regressions', rule: rule(v) }).reason).toBe('Not verified: fixed 0 of 10 cells, 0 regressions. Only a verified rule can be approved: edit it, or reject it.');
    expect(approvalOf({ status: 'rejected-by-sandbox', sandboxReason: 'subqueries are not allowed', rule: rule() }).reason).toContain('sandbox refused this rule: subqueries are not allowed');
    expect(approvalOf({ status: 'verified', sandboxReason: null, rule: rule({ ...v, regressions: 2 }) })).toEqual({ allowed: false, reason: expect.stringMatching(/^2 changed rows would newly fail a check/) });
    expect(approvalOf({ status: 'verified', sandboxReason: null, rule: rule({ ...v, changedRows: 0 }) }).reason).toContain('changes no cell');
    expect(approvalOf({ status: 'approved', sandboxReason: null, rule: rule(v) }).allowed).toBe(false);
    expect(approvalOf({ status: 'applied', sandboxReason: null, rule: rule(v) }).allowed).toBe(false);
    // A rejected rule comes back only if it had been verified.
    expect(approvalOf({ status: 'rejected', sandboxReason: null, rule: rule(v) }).allowed).toBe(true);
    expect(approvalOf({ status: 'rejected', sandboxReason: null, rule: rule() }).allowed).toBe(false);
  });
});
