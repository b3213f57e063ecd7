// The run every screen after Run is about, chosen from the workspace's runs.
import { useApp } from '../store.js';
import { shortRun } from '../format.js';
import { RunStateBadge } from './Badge.js';

export function RunPicker() {
  const { runs, runId, selectRun } = useApp();
  const current = runs.find((r) => r.runId === runId);
  if (runs.length === 0) return <span className="muted small">No runs yet</span>;
  return (
    <label className="run-picker">
      <span className="muted small">Run</span>
      <select value={runId ?? ''} onChange={(e) => selectRun(e.target.value)} data-testid="run-picker">
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>{`${r.input} · ${shortRun(r.runId)} · ${r.label}`}</option>
        ))}
      </select>
      {current && <RunStateBadge run={current} />}
    </label>
  );
}
