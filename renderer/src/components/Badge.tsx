// Small coloured labels for statuses and reason codes.
import type { ReactNode } from 'react';

import type { RunListView } from '../../../main/api/contract.js';

export type Tone = 'green' | 'gold' | 'red' | 'amber' | 'blue' | 'grey' | 'slate' | 'violet';

export function Badge({ tone = 'grey', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return <span className={`badge badge-${tone}`} title={title}>{children}</span>;
}

// Proposal statuses. A run's state has its label and tone from the engine (RunStateBadge).
const STATUS_TONE: Record<string, Tone> = {
  verified: 'blue', approved: 'green', applied: 'green', unverified: 'amber', 'rejected-by-sandbox': 'red', proposed: 'grey',
};

const STATUS_TEXT: Record<string, string> = {
  'rejected-by-sandbox': 'refused by sandbox',
};


export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'grey'}>{STATUS_TEXT[status] ?? status}</Badge>;
}

/** A run's state as runBadges words and colours it; the headline is its tooltip. */
export function RunStateBadge({ run }: { run: Pick<RunListView, 'label' | 'tone' | 'headline' | 'state'> }) {
  return <span className={`badge badge-${run.tone}`} title={run.headline} data-state={run.state}>{run.label}</span>;
}

export function ReconciledBadge({ ok, title }: { ok: boolean; title?: string }) {
  return <Badge tone={ok ? 'green' : 'red'} title={title}>{ok ? '✓ reconciled' : '✗ not reconciled'}</Badge>;
}
