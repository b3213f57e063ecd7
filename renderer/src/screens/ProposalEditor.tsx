// The editor a proposal opens in, by the kind of its rule: an expression in the SQL editor, a
// value map in its table, a manual edit as its cells. An agreed value or a lookup has no
// parameters the analyst sets here (they come from the contract's dependencies and the shipped
// reference tables), so it opens as its parameters plus an expression that would replace it.
import { useEffect, useState } from 'react';
import type { ApiError, ProposalView } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { MapEditor } from './MapEditor.js';
import { RuleEditor } from './RuleEditor.js';
import { PagedFrame, usePaged } from './RuleTable.js';
import { RuleBody, type RuleOf } from './RuleView.js';

interface Props {
  runId: string;
  proposal: ProposalView;
  onClose(): void;
  onSaved(view: ProposalView): void;
  /** the rule as it stands in the editor, for the live preview */
  onDraft?(rule: ProposalView['rule']): void;
}

const ident = (c: string) => `"${c.replace(/"/g, '""')}"`;

function ManualEditor({ runId, rule, onClose, onSaved, onDraft }: Props & { rule: RuleOf<'manual'> }) {
  const [cells, setCells] = useState(rule.cells.map((c) => ({ rowId: c.rowId, value: c.value ?? '' })));
  useEffect(() => { onDraft?.({ kind: 'manual', column: rule.column, runId: rule.runId, cells: cells.map((c) => ({ rowId: c.rowId, value: c.value === '' ? null : c.value })) }); }, [cells, rule, onDraft]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const paged = usePaged(cells, (c) => `${c.rowId}\u0001${c.value}`);
  const save = async () => {
    setSaving(true);
    try {
      onSaved(await call('editCells', { runId, column: rule.column, cells: cells.map((c) => ({ rowId: c.rowId, value: c.value === '' ? null : c.value })) }));
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="rule-editor" data-testid="manual-editor">
      <p className="small">Retype the value of each cell of <span className="mono">{rule.column}</span> ({count(cells.length)} in all); leave a cell blank to empty it.</p>
      <PagedFrame paged={paged} total={cells.length} noun="cell">
        <table className="table compact rt rt-edit">
          <thead><tr><th className="num">row</th><th>value</th></tr></thead>
          <tbody>
            {paged.shown.map(({ item, index }) => (
              <tr key={item.rowId} data-row-id={item.rowId}>
                <td className="num mono">{item.rowId}</td>
                <td><input className="mono rt-to" value={item.value} aria-label={`row ${item.rowId} value`} onChange={(e) => setCells((cs) => cs.map((c, i) => (i === index ? { ...c, value: e.target.value } : c)))} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </PagedFrame>
      <ErrorNote error={error} />
      <div className="actions">
        <button className="btn btn-primary" disabled={saving} onClick={() => void save()}>{saving ? 'Verifying…' : 'Verify and save as a new proposal'}</button>
        <button className="btn btn-ghost" onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}

function ReplaceEditor(props: Props & { column: string }) {
  const { proposal, column } = props;
  return (
    <div className="rule-editor" data-testid="params-editor">
      <p className="small">
        This rule&apos;s parameters come from {proposal.kind === 'agreedValue' ? "the contract's dependencies: change them in the contract" : 'the reference table shipped with Airlock and the contract'}, not here.
        To fix this pattern another way, write an expression below: it is verified like any proposal and replaces this one.
      </p>
      <RuleBody proposal={proposal} />
      <RuleEditor {...props} initial={{ [column]: ident(column) }} />
    </div>
  );
}

export function ProposalEditor(props: Props) {
  const rule = props.proposal.rule;
  switch (rule.kind) {
    case 'map': return <MapEditor {...props} rule={rule} />;
    case 'manual': return <ManualEditor {...props} rule={rule} />;
    case 'agreedValue':
    case 'lookup': return <ReplaceEditor {...props} column={rule.column} />;
    default: return <RuleEditor {...props} />;
  }
}
