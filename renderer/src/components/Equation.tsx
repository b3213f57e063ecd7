// The reconciliation equation with its numbers: every source row is accounted for. The numbers
// and the verdict are runBadges' (the engine's), so the equation says what the banner says.
import type { RunBadges } from '../../../main/api/contract.js';
import { count } from '../format.js';

export function Equation({ badges }: { badges: Pick<RunBadges, 'counts' | 'reconciled' | 'state'> }) {
  const c = badges.counts;
  const terms: [string, number, string][] = [
    ['Clean', c.successRows, 'clean'],
    ['Quarantine', c.quarantineRows, 'quarantine'],
    ['Duplicates', c.duplicateRows, 'dup'],
  ];
  // Pending rows are part of the sum whenever there are any, and always named when it fails.
  if (c.pendingRows || badges.state === 'sev1') terms.push(['Pending', c.pendingRows, 'pending']);
  const adds = c.sourceRows === terms.reduce((a, [, n]) => a + n, 0);
  // A cancelled or interrupted run counted nothing (its writes were undone): no verdict either way.
  const verdict = badges.reconciled ? ['ok', '✓ reconciled']
    : badges.state === 'cancelled' ? ['none', 'not counted: the run was cancelled']
      : badges.state === 'interrupted' ? ['none', 'not counted: the run did not finish'] : ['bad', '✗ not reconciled: Sev-1'];
  return (
    <div className={`equation ${badges.state === 'sev1' ? 'equation-bad' : ''}`} data-testid="equation">
      <div className="term term-source"><span className="n">{count(c.sourceRows)}</span><span className="l">Source rows</span></div>
      <span className="op">{adds ? '=' : '≠'}</span>
      {terms.map(([label, n, cls], i) => (
        <span key={label} className="eq-part">
          {i > 0 && <span className="op">+</span>}
          <div className={`term term-${cls}`}><span className="n">{count(n)}</span><span className="l">{label}</span></div>
        </span>
      ))}
      <div className={`verdict ${verdict[0]}`}>{verdict[1]}</div>
    </div>
  );
}
