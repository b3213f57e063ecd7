// The rules a new contract version checks differently from the one the stream ran with, before
// the next run: a dependency that lost a dropped column, a check that went with its column, a
// recipe rule that will no longer apply. Nothing disappears unseen.
import type { ContractDraft, RuleDiffLine } from '../../../main/api/contract.js';
import { Badge } from '../components/Badge.js';

const KIND_TEXT: Record<RuleDiffLine['kind'], string> = { column: 'column', dependency: 'dependency', check: 'table check', source: 'source', recipe: 'recipe rule' };

function tone(l: RuleDiffLine): 'blue' | 'red' | 'amber' {
  if (l.before === null) return 'blue';
  return l.after === null ? 'red' : 'amber';
}

const word = (l: RuleDiffLine) => (l.before === null ? 'added' : l.after === null ? 'removed' : 'changed');

export function RuleDiffPanel({ diff }: { diff: NonNullable<ContractDraft['ruleDiff']> }) {
  return (
    <section className="card rule-diff" data-testid="rule-diff">
      <div className="card-head">
        <h3>Rules that change from {diff.from} to {diff.to}</h3>
        <span className="small muted">{diff.lines.length === 0 ? 'every rule carries over unchanged' : `${diff.lines.length} line${diff.lines.length === 1 ? '' : 's'}`}</span>
      </div>
      {diff.lines.length > 0 && (
        <table className="table">
          <thead><tr><th /><th>Rule</th><th>Version {diff.from}</th><th>Version {diff.to}</th></tr></thead>
          <tbody>
            {diff.lines.map((l, i) => (
              <tr key={i} data-testid="rule-diff-line" data-kind={l.kind} data-change={word(l)}>
                <td><Badge tone={tone(l)}>{word(l)}</Badge></td>
                <td className="small">{KIND_TEXT[l.kind]}</td>
                <td className="mono small">{l.before === null ? <span className="muted">—</span> : <del className="diff-del">{l.before}</del>}</td>
                <td className="mono small">
                  {l.after === null ? <span className="muted">—</span> : <ins className="diff-ins">{l.after}</ins>}
                  {l.why && <div className="small muted">{l.why}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
