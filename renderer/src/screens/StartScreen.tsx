// Start: drop a CSV or Parquet file (or pick one), see recent runs with their reconciliation,
// and whether the local models are installed.
import { useRef, useState, type DragEvent } from 'react';
import type { ApiError, RunState } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { pathForFile } from '../bridge.js';
import { count, dateTime, shortRun } from '../format.js';
import { Icon } from '../components/Icon.js';
import { Badge, ReconciledBadge, RunStateBadge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { ScreenHeader, EmptyState } from '../components/ScreenHeader.js';

const ACCEPTED = /\.(csv|parquet)$/i;
// Runs that stopped before their rows were counted (their writes were undone): no verdict.
const NOT_COUNTED = new Set<RunState>(['cancelled', 'interrupted', 'running']);

export function StartScreen() {
  const { runs, runsError, models, modelsLoading, setInput, setDraft, go, selectRun, input } = useApp();
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    if (!ACCEPTED.test(file.name)) {
      const ext = file.name.includes('.') ? file.name.split('.').pop() : 'unnamed';
      setProblem({ code: 'USER', message: `${file.name} is a .${ext} file. Airlock cleans CSV and Parquet files: export the table as CSV or Parquet and drop it again.` });
      return;
    }
    let path: string;
    try {
      path = pathForFile(file);
    } catch {
      path = '';
    }
    if (!path) {
      setProblem({ code: 'USER', message: `Airlock could not find ${file.name} on disk. Drop it from a folder on this computer rather than from another app.` });
      return;
    }
    setProblem(null);
    setInput({ path, name: file.name });
    setDraft(null);
    go('contract');
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };

  return (
    <div className="screen">
      <ScreenHeader title="Start" subtitle="Bring in a file to clean against its data contract. Everything stays on this machine." />
      <div className="start-grid">
        <section
          className={`dropzone ${over ? 'over' : ''}`}
          data-testid="dropzone"
          onDragEnter={(e) => { e.preventDefault(); setOver(true); }}
          onDragOver={(e) => { e.preventDefault(); setOver(true); }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <div className="dropzone-icon"><Icon name="upload" size={30} /></div>
          <h2>Drop a CSV or Parquet file</h2>
          <p className="muted">The raw file is stored untouched in the workspace vault before anything reads it.</p>
          <button className="btn btn-primary" onClick={() => picker.current?.click()}>Choose a file…</button>
          <input ref={picker} type="file" accept=".csv,.parquet" hidden data-testid="file-input" onChange={(e) => { take(e.target.files); e.target.value = ''; }} />
          {input && <p className="small muted current-file">Current file: <strong>{input.name}</strong></p>}
        </section>

        <section className="card models-card">
          <div className="card-head"><h3>Local models</h3><button className="link" onClick={() => go('models')}>Details →</button></div>
          <ModelLine label="Language model" value={models?.llm?.fileName} missing={modelsLoading ? 'checking the models folder…' : 'none installed: rule synthesis only'} />
          <ModelLine label="Embedding model" value={models?.embedder?.name} missing={modelsLoading ? 'checking the models folder…' : 'none installed: clusters by shape'} />
          <p className="small muted">Models are files you copy in; Airlock never downloads anything.</p>
        </section>
      </div>
      <ErrorNote error={problem} onDismiss={() => setProblem(null)} />

      <section className="card">
        <div className="card-head"><h3>Recent runs</h3><span className="muted small">{runs.length} in this workspace</span></div>
        <ErrorNote error={runsError} />
        {runs.length === 0 ? (
          <EmptyState title="No runs yet">Drop a file above to start the first one.</EmptyState>
        ) : (
          <table className="table" data-testid="recent-runs">
            <thead>
              <tr><th>File</th><th>Contract</th><th>Started</th><th className="num">Source</th><th className="num">Clean</th><th className="num">Quarantine</th><th>State</th><th>Reconciliation</th></tr>
            </thead>
            <tbody>
              {runs.slice(0, 12).map((r) => (
                <tr key={r.runId} className="clickable" onClick={() => selectRun(r.runId, 'run')}>
                  <td><div className="strong">{r.input}</div><div className="mono small muted">{shortRun(r.runId)}</div></td>
                  <td>{r.contract}</td>
                  <td className="small">{dateTime(r.startedAt)}</td>
                  <td className="num">{count(r.sourceRows)}</td>
                  <td className="num">{count(r.successRows)}</td>
                  <td className="num">{count(r.quarantineRows)}</td>
                  <td><RunStateBadge run={r} /></td>
                  <td>{NOT_COUNTED.has(r.state) ? <Badge tone="grey">not counted</Badge> : <ReconciledBadge ok={r.state !== 'sev1'} title={`${count(r.sourceRows)} = ${count(r.successRows)} clean + ${count(r.quarantineRows)} quarantine + ${count(r.duplicateRows)} duplicates + ${count(r.pendingRows)} pending`} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function ModelLine({ label, value, missing }: { label: string; value?: string; missing: string }) {
  return (
    <div className="model-line">
      <span className={`dot ${value ? 'dot-green' : 'dot-grey'}`} />
      <div>
        <div className="small muted">{label}</div>
        <div className={value ? 'mono strong' : 'muted'}>{value ?? missing}</div>
      </div>
    </div>
  );
}
