// Contract: pick a contract file or have one proposed from the dropped file, edit it as a form
// with the YAML beside it (each side updates the other through the engine), then run.
import { useEffect, useRef, useState } from 'react';
import type { ApiError, ApprovalMode, ContractDraft, ContractForm } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call, errorOf, pathForFile } from '../bridge.js';
import { count } from '../format.js';
import { Badge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';
import { ContractFormTable } from './ContractFormTable.js';
import { YamlEditor } from './YamlEditor.js';
import { RuleDiffPanel } from './RuleDiffPanel.js';
import { confirmAll, inferredCounts } from './InferredRules.js';

const ORIGIN_TEXT: Record<ContractDraft['origin'], string> = { file: 'From a file', profile: 'Proposed from the data', drift: 'New version after a drift' };

type Approval = 'none' | 'min-confidence' | 'all';

export function ContractScreen() {
  const { input, draft, setDraft, startRun, active, models, go } = useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [approval, setApproval] = useState<Approval>('none');
  const [useModels, setUseModels] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  const hasModels = !!(models?.llm || models?.embedder);

  useEffect(() => setUseModels(hasModels), [hasModels]);

  const load = async (what: string, fn: () => Promise<ContractDraft>) => {
    setBusy(what);
    setError(null);
    try {
      setDraft(await fn());
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(null);
    }
  };

  const pickContract = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    void load('Reading the contract…', () => call('loadContract', { path: pathForFile(file) }));
  };

  const editForm = async (form: ContractForm) => {
    if (!draft) return;
    const mine = ++seq.current;
    setDraft({ ...draft, form });
    try {
      // The engine's form of the result: an inferred rule the edit changed comes back confirmed.
      const { yaml, form: written } = await call('applyContractForm', { yaml: draft.yaml, form });
      if (mine === seq.current) setDraft({ ...useApp.getState().draft!, yaml, form: written, problem: null });
    } catch (e) {
      if (mine === seq.current) setDraft({ ...useApp.getState().draft!, problem: errorOf(e) });
    }
  };

  const editYaml = (yaml: string) => {
    if (!draft) return;
    const mine = ++seq.current;
    setDraft({ ...draft, yaml });
    window.setTimeout(async () => {
      if (mine !== seq.current) return;
      try {
        const form = await call('parseContractText', { yaml });
        if (mine === seq.current) setDraft({ ...useApp.getState().draft!, form, problem: null });
      } catch (e) {
        if (mine === seq.current) setDraft({ ...useApp.getState().draft!, problem: errorOf(e) });
      }
    }, 350);
  };

  const run = () => {
    if (!draft?.form || draft.problem) return;
    const mode: ApprovalMode = approval === 'min-confidence' ? { kind: 'min-confidence', min: 0.9 } : { kind: approval };
    void startRun({ yaml: draft.yaml, approval: mode, useModels, contractLabel: `${draft.form.id} ${draft.form.version}` });
  };

  const inferred = draft?.form ? inferredCounts(draft.form) : { total: 0, unconfirmed: 0 };
  const rules = (n: number) => `${count(n)} inferred rule${n === 1 ? '' : 's'}`;

  return (
    <div className="screen screen-contract">
      <ScreenHeader
        title="Contract"
        subtitle={input ? <>Rules for <strong>{input.name}</strong>: types, required values, patterns, value sets, ranges and dependencies.</> : 'The data contract a file is checked against.'}
        actions={
          <>
            <button className="btn btn-secondary" onClick={() => picker.current?.click()} data-testid="open-contract"><Icon name="contract" size={16} />Open a contract…</button>
            <button className="btn btn-secondary" disabled={!input || !!busy} onClick={() => input && void load('Profiling the file…', () => call('profileFile', { path: input.path }))} data-testid="profile">
              <Icon name="search" size={16} />Propose from the file
            </button>
            <input ref={picker} type="file" accept=".yaml,.yml" hidden data-testid="contract-input" onChange={(e) => { pickContract(e.target.files); e.target.value = ''; }} />
          </>
        }
      />
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {busy && <div className="note note-blue"><span className="spinner" />{busy}</div>}
      {!draft && !busy && (
        <EmptyState title={input ? `No contract yet for ${input.name}` : 'No file yet'} icon={<Icon name="contract" size={32} />}>
          {input
            ? <p>Open the contract that describes this table, or let Airlock propose one from the data for you to review.</p>
            : <p>Drop a file on the <button className="link" onClick={() => go('start')}>Start</button> screen first.</p>}
        </EmptyState>
      )}
      {draft && (
        <>
          <div className="draft-bar">
            <Badge tone={draft.origin === 'drift' ? 'amber' : draft.origin === 'profile' ? 'violet' : 'blue'}>{ORIGIN_TEXT[draft.origin]}</Badge>
            <span className="small" data-testid="draft-note">{draft.note}</span>
          </div>
          {draft.ruleDiff && <RuleDiffPanel diff={draft.ruleDiff} />}
          {inferred.total > 0 && draft.form && (
            <div className={`inferred-bar ${inferred.unconfirmed ? 'pending' : 'done'}`} data-testid="inferred-bar">
              <strong data-testid="unconfirmed-count" data-unconfirmed={inferred.unconfirmed}>
                {inferred.unconfirmed ? `${rules(inferred.unconfirmed)} unconfirmed` : `All ${rules(inferred.total)} confirmed`}
              </strong>
              <span className="small">
                {inferred.unconfirmed
                  ? `of ${count(inferred.total)} proposed from the data. Open a column to see the share each rule holds for and the values that break it; tick the ones you have checked.`
                  : 'Each rule proposed from the data has been checked against its evidence.'}
              </span>
              <div className="spacer" />
              {inferred.unconfirmed > 0 && (
                <button className="btn btn-secondary btn-sm" disabled={!!draft.problem} onClick={() => void editForm(confirmAll(draft.form!))} data-testid="confirm-all">Confirm all {count(inferred.unconfirmed)}</button>
              )}
            </div>
          )}
          <div className="contract-split">
            <section className="card contract-form-card">
              {draft.form
                ? <ContractFormTable form={draft.form} profile={draft.profile?.columns} onChange={(f) => void editForm(f)} />
                : <EmptyState title="The form appears when the YAML loads">Fix the problem shown beside the YAML.</EmptyState>}
            </section>
            <section className="card yaml-card">
              <div className="card-head"><h3>YAML</h3><span className="small muted">ODCS v3.1</span></div>
              <YamlEditor value={draft.yaml} onChange={editYaml} problemLine={draft.problem?.line} />
              <ErrorNote error={draft.problem} title="The contract does not load" />
            </section>
          </div>
          <div className="run-bar">
            <label>Fixes
              <select value={approval} onChange={(e) => setApproval(e.target.value as Approval)} data-testid="approval">
                <option value="none">wait for my review</option>
                <option value="min-confidence">approve those with confidence ≥ 0.9</option>
                <option value="all">approve every verified fix</option>
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={useModels} disabled={!hasModels} onChange={(e) => setUseModels(e.target.checked)} />
              Use local models {hasModels ? '' : '(none installed)'}
            </label>
            <div className="spacer" />
            {inferred.unconfirmed > 0 && (
              <span className="run-unconfirmed small" data-testid="run-unconfirmed">The run will enforce {rules(inferred.unconfirmed)} nobody has confirmed.</span>
            )}
            <button className="btn btn-primary btn-lg" disabled={!input || !draft.form || !!draft.problem || !!active} onClick={run} data-testid="run">
              <Icon name="run" size={16} />{input ? `Run ${input.name}` : 'Drop a file first'}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
