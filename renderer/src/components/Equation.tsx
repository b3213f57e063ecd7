// The reconciliation equation with its numbers: every source row is accounted for.
import type { RunSummary } from '../../../main/api/contract.js';
import { count } from '../format.js';

export function Equation({ summary }: { summary: Pick<RunSummary, 'sourceRows' | 'successRows' | 'quarantineRows' | 'duplicateRows' | 'pendingRows' | 'reconciled'> }) {
  const terms: [string, number, string][] = [
    ['Clean', summary.successRows, 'clean'],
    ['Quarantine', summary.quarantineRows, 'quarantine'],
    ['Duplicates', summary.duplicateRows, 'dup'],
  ];
  if (summary.pendingRows) terms.push(['Pending', summary.pendingRows, 'pending']);
  return (
    <div className="equation" data-testid="equation">
      <div className="term term-source"><span className="n">{count(summary.sourceRows)}</span><span className="l">Source rows</span></div>
      <span className="op">=</span>
      {terms.map(([label, n, cls], i) => (
        <span key={label} className="eq-part">
          {i > 0 && <span className="op">+</span>}
          <div className={`term term-${cls}`}><span className="n">{count(n)}</span><span className="l">{label}</span></div>
        </span>
      ))}
      <div className={`verdict ${summary.reconciled ? 'ok' : 'bad'}`}>{summary.reconciled ? '✓ reconciled' : '✗ not reconciled: Sev-1'}</div>
    </div>
  );
}
