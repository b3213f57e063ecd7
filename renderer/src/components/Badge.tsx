// Small coloured labels for statuses and reason codes.
import type { ReactNode } from 'react';

export type Tone = 'green' | 'red' | 'amber' | 'blue' | 'grey' | 'violet';

export function Badge({ tone = 'grey', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return <span className={`badge badge-${tone}`} title={title}>{children}</span>;
}

const STATUS_TONE: Record<string, Tone> = {
  completed: 'green', running: 'blue', halted: 'violet', held: 'amber', failed: 'red', sev1: 'red', rejected: 'grey', interrupted: 'grey',
  verified: 'blue', approved: 'green', applied: 'green', unverified: 'amber', 'rejected-by-sandbox': 'red', proposed: 'grey',
};

const STATUS_TEXT: Record<string, string> = {
  'rejected-by-sandbox': 'refused by sandbox', halted: 'halted: drift', held: 'held by gate', sev1: 'failed: Sev-1',
};


export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'grey'}>{STATUS_TEXT[status] ?? status}</Badge>;
}

export function ReconciledBadge({ ok, title }: { ok: boolean; title?: string }) {
  return <Badge tone={ok ? 'green' : 'red'} title={title}>{ok ? '✓ reconciled' : '✗ not reconciled'}</Badge>;
}
