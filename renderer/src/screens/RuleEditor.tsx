// Editing a fix's rule: each expression is checked in the sandbox as it is typed (nothing is
// stored), and saving has the engine verify it on the pattern like any proposal.
import { useEffect, useState } from 'react';
import type { ApiError, ProposalView } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { useDebounced } from '../useLoad.js';
import { ErrorNote } from '../components/ErrorNote.js';

interface Props {
  runId: string;
  proposal: ProposalView;
  onClose(): void;
  onSaved(view: ProposalView): void;
  /** the expression to start from when the proposal is not an expression (it is replaced by one) */
  initial?: Record<string, string>;
  /** the rule as typed, for the live preview (the engine checks it in the sandbox first) */
  onDraft?(rule: ProposalView['rule']): void;
}

/** The longest expression the engine accepts from an edit. */
export const MAX_EXPRESSION = 20_000;

export function RuleEditor({ runId, proposal, onClose, onSaved, initial, onDraft }: Props) {
  const [set, setSet] = useState<Record<string, string>>(initial ?? proposal.set);
  const [where, setWhere] = useState(proposal.where ?? '');
  const [check, setCheck] = useState<{ ok: boolean; reason?: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const rule = useDebounced(JSON.stringify({ set, where }), 400);
  const longest = Math.max(where.length, ...Object.values(set).map((e) => e.length));
  const tooLong = longest > MAX_EXPRESSION;

  useEffect(() => {
    if (tooLong) return;
    let live = true;
    const r = JSON.parse(rule) as { set: Record<string, string>; where: string };
    call('checkRule', { runId, set: r.set, ...(r.where.trim() ? { where: r.where } : {}) })
      .then((v) => { if (live) setCheck(v); }, (e) => { if (live) setCheck({ ok: false, reason: errorOf(e).message }); });
    return () => { live = false; };
  }, [rule, runId, tooLong]);

  useEffect(() => {
    if (tooLong) return;
    onDraft?.({ kind: 'expression', set, ...(where.trim() ? { where } : {}) });
  }, [set, where, tooLong, onDraft]);

  const save = async () => {
    setSaving(true);
    try {
      onSaved(await call('editProposal', { runId, proposalId: proposal.id, set, ...(where.trim() ? { where } : {}) }));
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="rule-editor" data-testid="rule-editor">
      {Object.entries(set).map(([col, expr]) => (
        <label key={col} className="field">
          <span className="meta-l">SET {col} =</span>
          <textarea className="code-input" spellCheck={false} rows={Math.min(12, Math.max(2, Math.ceil(expr.length / 90)))} value={expr} onChange={(e) => setSet({ ...set, [col]: e.target.value })} />
        </label>
      ))}
      <label className="field">
        <span className="meta-l">WHERE (optional)</span>
        <textarea className="code-input" spellCheck={false} rows={2} value={where} onChange={(e) => setWhere(e.target.value)} />
      </label>
      {tooLong && (
        <p className="note note-amber small" data-testid="too-long">
          This expression is {longest.toLocaleString('en-US')} characters, more than the {MAX_EXPRESSION.toLocaleString('en-US')} an edit may have. Shorten it (a value map or a narrower WHERE is usually shorter), or approve or reject the rule as proposed.
        </p>
      )}
      {!tooLong && <div className={`sandbox-verdict ${check ? (check.ok ? 'ok' : 'bad') : ''}`} data-testid="sandbox-verdict">
        {check === null ? 'Checking in the sandbox…' : check.ok ? '✓ The sandbox accepts this rule' : `✗ ${check.reason}`}
      </div>}
      <ErrorNote error={error} />
      <div className="actions">
        <button className="btn btn-primary" disabled={saving || tooLong || check?.ok === false} onClick={() => void save()}>{saving ? 'Verifying…' : 'Verify and save as a new proposal'}</button>
        <button className="btn btn-ghost" onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}
