// Run: the run in progress (a bar per stage, cancellable), or a finished run's result: the
// reconciliation equation, the checks after each stage, the quality gates, and what to do next
// (review fixes, release or reject a held batch, handle a schema drift).
import { useEffect, useState } from 'react';
import type { ApiError, RunBadges, RunDetail, RunState, RunSummary } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call, errorOf } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { count, duration, shortRun } from '../format.js';
import { Badge } from '../components/Badge.js';
import { Equation } from '../components/Equation.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';
import { JOB_STAGES, StageProgress } from './StageProgress.js';
import { DriftPanel } from './DriftPanel.js';
import { ruleText } from './InferredRules.js';

// The banner's look per state; its words and numbers come from the engine's runBadges.
const ICON: Record<RunState, string> = {
  completed: 'check', 'completed-with-quarantine': 'quarantine', sev1: 'cross', halted: 'alert', held: 'pause', 'already-processed': 'refresh',
  rejected: 'cross', cancelled: 'pause', interrupted: 'cross', running: 'run',
};

/** Nothing to export: a halted run promoted nothing, a cancelled or interrupted one was undone. */
const NOTHING_TO_EXPORT: Partial<Record<RunState, string>> = {
  sev1: 'not while the rows do not add up',
  halted: 'nothing to export: nothing was promoted',
  cancelled: 'nothing to export: the run was cancelled',
  interrupted: 'nothing to export: the run did not finish',
};

export function RunScreen() {
  const { active, outcome, runId, revision, cancelRun } = useApp();
  const detail = useLoad<RunDetail>(!active && runId ? () => call('getRun', { runId }) : null, [runId, active, revision]);
  const [, tick] = useState(0);
  // The elapsed time moves on between progress reports.
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, [active]);

  if (active) {
    return (
      <div className="screen">
        <ScreenHeader title="Run" subtitle={<>Checking <strong>{active.file}</strong> against <strong>{active.contractLabel}</strong></>} />
        <section className="card">
          <div className="card-head">
            <h3><span className="spinner" />Running · {duration(Date.now() - active.startedAt)}</h3>
            <button className="btn btn-danger-outline" disabled={active.cancelling} onClick={() => void cancelRun()} data-testid="cancel">
              {active.cancelling ? 'Cancelling…' : 'Cancel run'}
            </button>
          </div>
          <StageProgress run={active} />
          <p className="small muted">Cancelling undoes everything the run wrote; the raw file stays in the vault.</p>
        </section>
      </div>
    );
  }

  // The last run's own answer is shown for the run it was about; an error (a run that did not
  // start, or was cancelled before it was recorded) replaces whatever run was shown before.
  const outcomeHere = outcome && (outcome.error || outcome.summary?.runId === runId) ? outcome : null;
  const fromOutcome = outcomeHere?.summary ?? null;
  const fromEngine = outcomeHere?.error ? null : detail.data;
  const summary = fromOutcome ?? fromEngine?.summary ?? null;
  const badges = fromOutcome?.badges ?? fromEngine?.badges ?? null;
  return (
    <div className="screen">
      <ScreenHeader title="Run" subtitle="Every source row is accounted for after every stage." withRun />
      {outcomeHere?.error && <ErrorNote error={outcomeHere.error} title={outcomeHere.error.code === 'CANCELLED' ? `Run of ${outcomeHere.file} cancelled` : `The run of ${outcomeHere.file} did not start`} />}
      {!summary && !outcomeHere?.error && (detail.error ? <ErrorNote error={detail.error} /> : <EmptyState title={runId ? 'Loading the run…' : 'No run selected'} icon={<Icon name="run" size={32} />}>{!runId && <p>Drop a file on the Start screen to run it.</p>}</EmptyState>)}
      {summary && badges && <RunResult summary={summary} badges={badges} alerts={detail.data?.alerts ?? []} />}
    </div>
  );
}

function RunResult({ summary, badges, alerts }: { summary: RunSummary; badges: RunBadges; alerts: RunDetail['alerts'] }) {
  const { go, changed } = useApp();
  const [error, setError] = useState<ApiError | null>(null);
  const [deciding, setDeciding] = useState(false);
  const sev1 = badges.state === 'sev1';
  const decide = async (which: 'releaseRun' | 'rejectRun') => {
    setDeciding(true);
    try {
      changed(await call(which, { runId: summary.runId }));
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setDeciding(false);
    }
  };
  return (
    <div className="run-result" data-testid="run-result" data-status={summary.status} data-state={badges.state}>
      <div className={`banner banner-${badges.tone} banner-${badges.state}`} data-testid="run-banner" role={sev1 ? 'alert' : undefined}>
        <Icon name={ICON[badges.state]} size={22} />
        <div>
          <strong data-testid="run-headline">{badges.headline}</strong>
          <div className={sev1 ? 'banner-numbers' : 'small'} data-testid="run-numbers">{badges.detail}</div>
          <div className="small">{summary.input.name} · contract {summary.contract.id} {summary.contract.version} · <span className="mono">{shortRun(summary.runId)}</span> · {duration(summary.timingsMs?.total ?? 0)}</div>
        </div>
      </div>
      <ErrorNote error={error} />
      {summary.status === 'remediating' && <RemediationJob runId={summary.runId} quarantined={summary.quarantineRows} />}
      <UnconfirmedRules rules={summary.unconfirmedRules ?? []} />

      <section className="card">
        <div className="card-head"><h3>Reconciliation</h3><span className="small muted">Source = clean + quarantine + duplicates + pending</span></div>
        <Equation badges={badges} />
        <div className="kpis">
          <Kpi label="Fast lane" value={count(summary.fastLaneRows)} />
          <Kpi label="Remediated" value={count(summary.remediatedRows)} />
          <Kpi label="Malformed" value={count(summary.malformedRows)} />
          <Kpi label="Failure patterns" value={count(summary.clusters)} />
          <Kpi label="Proposed fixes" value={count(summary.proposals)} />
          <Kpi label="Model calls" value={count(summary.modelCalls)} />
        </div>
        {badges.stages.length > 0 && (
          <table className="table compact" data-testid="reconciliation">
            <thead><tr><th>After stage</th><th className="num">Source</th><th className="num">Clean</th><th className="num">Quarantine</th><th className="num">Duplicates</th><th className="num">Pending</th><th>Check</th></tr></thead>
            <tbody>
              {badges.stages.map((r, i) => (
                <tr key={i} data-balanced={r.balanced}><td>{r.stage}</td><td className="num">{count(r.sourceRows)}</td><td className="num">{count(r.successRows)}</td><td className="num">{count(r.quarantineRows)}</td><td className="num">{count(r.duplicateRows)}</td><td className="num">{count(r.pendingRows)}</td><td><Badge tone={r.tone} title={r.equation}>{r.label}</Badge></td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {summary.status === 'halted' && summary.drift && <DriftPanel summary={summary} />}

      <div className="two-col">
        <section className="card">
          <div className="card-head"><h3>Quality gates</h3><span className="small muted">{summary.gates.filter((g) => g.passed).length} of {summary.gates.length} passed</span></div>
          {summary.gates.length === 0 ? <p className="small muted">The contract declares no batch-level checks.</p> : (
            <table className="table compact" data-testid="gates">
              <thead><tr><th>Gate</th><th className="num">Measured</th><th>Rule</th><th>Result</th></tr></thead>
              <tbody>
                {summary.gates.map((g) => (
                  <tr key={g.name}><td className="mono small">{g.name}</td><td className="num">{count(g.value)}{g.unit === 'percent' ? '%' : ''}</td><td className="small">{g.operator} {JSON.stringify(g.threshold)}</td><td>{g.passed ? <Badge tone="green">passed</Badge> : <Badge tone="amber">held</Badge>}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {summary.status === 'held' && (
            <div className="actions">
              <button className="btn btn-primary" disabled={deciding} onClick={() => void decide('releaseRun')}>Release the batch</button>
              <button className="btn btn-danger-outline" disabled={deciding} onClick={() => void decide('rejectRun')}>Reject the batch</button>
            </div>
          )}
        </section>
        <section className="card">
          <div className="card-head"><h3>Next</h3></div>
          <div className="next-steps">
            <button className="next" onClick={() => go('review')} disabled={summary.proposals === 0}><Icon name="review" /><span><strong>Review fixes</strong><small>{count(summary.proposals)} proposals for {count(summary.clusters)} failure patterns</small></span></button>
            <button className="next" data-testid="next-quarantine" onClick={() => go('quarantine')} disabled={summary.quarantineRows === 0}><Icon name="quarantine" /><span><strong>Open the quarantine</strong><small>{summary.quarantineRows === 0 ? 'nothing held back' : `${count(summary.quarantineRows)} row${summary.quarantineRows === 1 ? '' : 's'} held back`}</small></span></button>
            <button className="next" data-testid="next-export" onClick={() => go('export')} disabled={!!NOTHING_TO_EXPORT[badges.state]}><Icon name="export" /><span><strong>Export</strong><small>{NOTHING_TO_EXPORT[badges.state] ?? 'clean data and the signed audit bundle'}</small></span></button>
          </div>
          {alerts.length > 0 && (
            <div className="alerts">
              {alerts.map((a, i) => <p key={i} className="small"><Badge tone={a.severity === 'warning' ? 'amber' : 'red'}>{a.code}</Badge> {a.message}</p>)}
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

/**
 * The run's remediation job, going on in the engine while the analyst works on (another file can
 * be run meanwhile). Its bars come from the job's events; a run opened later, whose job this
 * window never heard from, says so without bars.
 */
function RemediationJob({ runId, quarantined }: { runId: string; quarantined: number }) {
  const { jobs, cancelJob } = useApp();
  const job = jobs[runId];
  const running = !job || job.state === 'running';
  return (
    <section className="card" data-testid="job" data-job-state={job?.state ?? 'unknown'}>
      <div className="card-head">
        <h3>{running && <span className="spinner" />}Remediation of {count(quarantined)} quarantined row{quarantined === 1 ? '' : 's'}{job?.state === 'failed' ? ' stopped on an error' : running ? ' is running' : ''}</h3>
        {job && job.state === 'running' && (
          <button className="btn btn-danger-outline" disabled={job.cancelling} onClick={() => void cancelJob(runId)} data-testid="cancel-job">
            {job.cancelling ? 'Cancelling…' : 'Cancel run'}
          </button>
        )}
      </div>
      {job && <StageProgress run={job} only={JOB_STAGES} testId="job-stages" />}
      <p className="small muted">
        {job?.state === 'failed' ? `${job.error ?? 'It stopped on an error'}. The clean rows stay in production; the alert below says how to finish it.`
          : 'The clean rows are in production already. You can run another file meanwhile: it goes into the vault at once, and waits for this to finish before it is loaded. Cancelling undoes the whole run.'}
      </p>
    </section>
  );
}

/** `ibu: missingTokens` as `ibu: no-value spellings`, `a -> b` as `a → b`. */
function inWords(rule: string): string {
  const at = rule.lastIndexOf(': ');
  return at < 0 ? rule.replace(' -> ', ' → ') : `${rule.slice(0, at)}: ${ruleText(rule.slice(at + 2))}`;
}

/** The inferred rules the run enforced that no analyst had confirmed, listed when opened. */
function UnconfirmedRules({ rules }: { rules: string[] }) {
  if (rules.length === 0) return null;
  const n = rules.length;
  return (
    <details className="note note-amber unconfirmed-note" data-testid="run-unconfirmed-rules">
      <summary>
        <Icon name="alert" size={16} />
        <span><strong>This run enforced {count(n)} inferred rule{n === 1 ? '' : 's'} nobody has confirmed.</strong>{' '}
          <span className="small">They were proposed from the data and no analyst has checked them, so a row one of them held back may be fine.</span>{' '}
          <span className="small link-like">Show them</span></span>
      </summary>
      <ul className="unconfirmed-list" data-testid="run-unconfirmed-list">
        {rules.map((r) => <li key={r} className="small">{inWords(r)}</li>)}
      </ul>
    </details>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return <div className="kpi"><span className="kpi-v">{value}</span><span className="kpi-l">{label}</span></div>;
}
