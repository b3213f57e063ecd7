// Recipe: the rules approved on earlier files of a contract's stream, which every later file's
// run applies first. The analyst reads each rule in words, switches one off (kept, never
// applied) or on again, writes the recipe out as JSON, and reads one in (every rule checked by
// the engine's rule gate; a file with one bad rule is refused whole).
import { useEffect, useRef, useState } from 'react';
import type { ApiError, RecipeRuleView } from '../../../main/api/contract.js';
import { call, errorOf, pathForFile } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { clock, count } from '../format.js';
import { Badge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';

export function RecipeScreen() {
  const contracts = useLoad(() => call('listRecipes', {}), []);
  const [contractId, setContractId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const list = contracts.data ?? [];
  useEffect(() => {
    if (!contractId && list.length > 0) setContractId(list[0].contractId);
  }, [list, contractId]);
  const rules = useLoad<RecipeRuleView[]>(contractId ? () => call('recipeRules', { contractId }) : null, [contractId]);

  const act = async (fn: () => Promise<string>) => {
    setError(null);
    try {
      setNote(await fn());
      rules.reload();
      contracts.reload();
    } catch (e) {
      setError(errorOf(e));
      setNote(null);
    }
  };
  const toggle = (r: RecipeRuleView) => act(async () => {
    await call('setRecipeRule', { contractId: contractId!, proposalId: r.proposalId, enabled: !r.enabled });
    return r.enabled ? `Switched off: ${r.column}. Later runs leave it out.` : `Switched on again: ${r.column}.`;
  });
  const exportIt = () => act(async () => {
    const out = await call('exportRecipe', { contractId: contractId! });
    return `Exported ${count(out.rules)} rules to ${out.path}`;
  });
  const importIt = (files: FileList | null) => {
    const file = files?.[0];
    if (!file || !contractId) return;
    void act(async () => {
      const r = await call('importRecipe', { contractId, path: pathForFile(file) });
      return `Imported ${file.name}: ${count(r.added)} rules added${r.alreadyThere ? `, ${count(r.alreadyThere)} already in the recipe` : ''}.`;
    });
  };

  const on = (rules.data ?? []).filter((r) => r.enabled).length;
  return (
    <div className="screen">
      <ScreenHeader
        title="Recipe"
        subtitle="Rules approved on earlier files. Every later file of the same contract gets them first, under that run's approval mode."
        actions={contractId ? (
          <>
            <button className="btn btn-secondary" onClick={() => void exportIt()} data-testid="recipe-export"><Icon name="export" size={16} />Export as JSON</button>
            <button className="btn btn-secondary" onClick={() => picker.current?.click()} data-testid="recipe-import"><Icon name="upload" size={16} />Import a recipe…</button>
            <input ref={picker} type="file" accept=".json" hidden data-testid="recipe-input" onChange={(e) => { importIt(e.target.files); e.target.value = ''; }} />
          </>
        ) : undefined}
      />
      <ErrorNote error={error ?? contracts.error ?? rules.error} onDismiss={() => setError(null)} />
      {note && <div className="note note-green small" data-testid="recipe-note">{note}</div>}
      {contracts.data && list.length === 0 && (
        <EmptyState title="No recipe yet" icon={<Icon name="review" size={32} />}>
          <p>A rule joins its contract's recipe when you approve it and its fixes are promoted.</p>
        </EmptyState>
      )}
      {list.length > 1 && (
        <div className="chips">
          {list.map((c) => (
            <button key={c.contractId} className={`chip ${c.contractId === contractId ? 'on' : ''}`} onClick={() => setContractId(c.contractId)}>{c.contractId} {count(c.rules)}</button>
          ))}
        </div>
      )}
      {contractId && rules.data && (
        <section className="card" data-testid="recipe">
          <div className="card-head">
            <h3>{contractId}</h3>
            <span className="small muted" data-testid="recipe-count">{count(on)} of {count(rules.data.length)} rules applied to the next file</span>
          </div>
          <table className="table recipe-table">
            <thead><tr><th>#</th><th>Column</th><th>Kind</th><th>Rule</th><th>By</th><th>Added</th><th /></tr></thead>
            <tbody>
              {rules.data.map((r, i) => (
                <tr key={r.proposalId} className={r.enabled ? '' : 'off'} data-testid="recipe-rule" data-proposal={r.proposalId} data-enabled={r.enabled}>
                  <td className="mono small">{i + 1}</td>
                  <td className="mono">{r.column}</td>
                  <td><Badge tone="blue">{r.kind}</Badge></td>
                  <td className="small">{r.sentence}{!r.enabled && <div className="tiny muted">switched off by {r.disabledBy}</div>}</td>
                  <td className="small mono">{r.proposer}</td>
                  <td className="small mono">{clock(r.addedAt)}</td>
                  <td>
                    <button className={`btn btn-sm ${r.enabled ? 'btn-secondary' : 'btn-primary'}`} onClick={() => void toggle(r)} data-testid="recipe-toggle">
                      {r.enabled ? 'Switch off' : 'Switch on'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
