// One progress bar per stage of a run in progress, with its rate and the time it has left.
import type { RunProgress } from '../../../main/api/contract.js';
import type { ActiveRun } from '../store.js';
import { bytes, count, duration } from '../format.js';

const STAGES: { key: RunProgress['stage']; label: string }[] = [
  { key: 'ingest', label: 'Ingest into the vault' },
  { key: 'validate', label: 'Validate and route' },
  { key: 'cluster', label: 'Group failures' },
  { key: 'propose', label: 'Propose and verify fixes' },
  { key: 'apply', label: 'Apply approved fixes' },
];

function amount(p: RunProgress, n: number): string {
  return p.unit === 'bytes' ? bytes(n) : `${count(n)} ${p.unit === 'steps' ? '' : p.unit}`.trim();
}

/** The stages of a remediation job: what goes on after the fast lane is in production. */
export const JOB_STAGES: RunProgress['stage'][] = ['cluster', 'propose', 'apply'];

export function StageProgress({ run, only, testId = 'stages' }: { run: Pick<ActiveRun, 'stages' | 'latest'>; only?: RunProgress['stage'][]; testId?: string }) {
  const shown = only ? STAGES.filter((s) => only.includes(s.key)) : STAGES;
  const latestIndex = shown.findIndex((s) => s.key === run.latest);
  return (
    <div className="stages" data-testid={testId}>
      {shown.map((s, i) => {
        const p = run.stages[s.key];
        const finished = (latestIndex > i && !!p) || (!!p && p.total > 0 && p.done >= p.total) || (latestIndex > i && !p);
        const state = finished ? 'done' : i === latestIndex ? 'active' : 'waiting';
        const share = finished ? 1 : p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
        return (
          <div key={s.key} className={`stage stage-${state}`} data-stage={s.key}>
            <div className="stage-head">
              <span className="stage-name">{s.label}</span>
              <span className="stage-stats small">
                {p && state === 'active' && <>{amount(p, p.done)} of {amount(p, p.total)}</>}
                {p && state === 'active' && p.perSecond ? <> · {count(Math.round(p.perSecond))} {p.unit === 'bytes' ? 'B' : p.unit}/s</> : null}
                {p && state === 'active' && p.etaMs !== null ? <> · {duration(p.etaMs)} left</> : null}
                {state === 'done' && (p ? <>done · {duration(p.stageElapsedMs)}{p.perSecond ? ` · ${count(Math.round(p.perSecond))} ${p.unit}/s` : ''}</> : 'done')}
                {state === 'waiting' && 'waiting'}
              </span>
            </div>
            <div className="bar"><div className="bar-fill" style={{ width: `${Math.round(share * 100)}%` }} /></div>
            {p && state === 'active' && <div className="tiny muted stage-msg">{p.message}</div>}
          </div>
        );
      })}
    </div>
  );
}
