// Export: the run's clean data (CSV or Parquet), the rows still quarantined, and the signed
// audit bundle, checked by the offline verifier as soon as it is written.
import { useRef, useState } from 'react';
import type { ApiError, ExportView, VerifyView } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call, errorOf, pathForFile } from '../bridge.js';
import { count, shortRun } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';

export function ExportScreen() {
  const { runId, runs, changed } = useApp();
  const [format, setFormat] = useState<'csv' | 'parquet'>('csv');
  const [includePii, setIncludePii] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportView | null>(null);
  const [checked, setChecked] = useState<VerifyView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const run = runs.find((r) => r.runId === runId);

  const doExport = async () => {
    if (!runId) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await call('exportRun', { runId, format, includePii }));
      changed();
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  };

  // The signed report opens in the desktop's own viewer; the engine checks it is an export's file.
  const openReport = async (path: string) => {
    setError(null);
    try {
      await call('openPath', { path });
    } catch (e) {
      setError(errorOf(e));
    }
  };

  const verifyOther = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    try {
      setChecked(await call('verifyBundle', { path: pathForFile(file) }));
    } catch (e) {
      setError(errorOf(e));
    }
  };

  if (!runId) return <div className="screen"><ScreenHeader title="Export" /><EmptyState title="No run selected" icon={<Icon name="export" size={32} />}>Run a file first.</EmptyState></div>;
  return (
    <div className="screen">
      <ScreenHeader title="Export" subtitle="Clean data for the next system, and the signed record of how it was cleaned." withRun />
      <div className="two-col">
        <section className="card">
          <div className="card-head"><h3>Export this run</h3>{run && <span className="small muted">{run.input} · {shortRun(run.runId)}</span>}</div>
          <div className="option-group" role="radiogroup" aria-label="Format">
            {(['csv', 'parquet'] as const).map((f) => (
              <label key={f} className={`option ${format === f ? 'on' : ''}`}>
                <input type="radio" name="format" checked={format === f} onChange={() => setFormat(f)} />
                <strong>{f === 'csv' ? 'CSV' : 'Parquet'}</strong>
                <span className="small muted">{f === 'csv' ? 'opens anywhere; values written in the contract’s format' : 'typed columns, compact, for data tools'}</span>
              </label>
            ))}
          </div>
          <label className="check">
            <input type="checkbox" checked={includePii} onChange={(e) => setIncludePii(e.target.checked)} />
            Put personal data in the audit bundle in clear (otherwise it is tokenised)
          </label>
          <div className="actions">
            <button className="btn btn-primary btn-lg" disabled={busy} onClick={() => void doExport()} data-testid="export">{busy ? 'Exporting…' : 'Export and sign'}</button>
          </div>
          <ErrorNote error={error} onDismiss={() => setError(null)} />
        </section>
        <section className="card">
          <div className="card-head"><h3>Verify a bundle</h3></div>
          <p className="small muted">Check any Airlock bundle (the <span className="mono">bundle.zip</span> of an export) offline: signature, file hashes, audit chain and reconciliation.</p>
          <button className="btn btn-secondary" onClick={() => picker.current?.click()}>Choose a bundle…</button>
          <input ref={picker} type="file" accept=".zip,.json" hidden data-testid="bundle-input" onChange={(e) => { void verifyOther(e.target.files); e.target.value = ''; }} />
          {checked && <Verdict v={checked} />}
        </section>
      </div>
      {result && (
        <section className="card" data-testid="export-result">
          <div className="card-head">
            <h3>Written</h3>
            <button className="btn btn-primary" onClick={() => void openReport(result.report)} data-testid="open-report"><Icon name="file" size={16} />Open the signed report</button>
          </div>
          <p className="small muted">In <span className="mono">{result.dir}</span>. The report is the bundle’s readable page: what came in, what was changed and why, and what went out.</p>
          <table className="table compact">
            <thead><tr><th>File</th><th className="num">Rows</th><th>Path</th></tr></thead>
            <tbody>
              {result.files.map((f) => <tr key={f.name}><td className="strong">{f.name}</td><td className="num">{count(f.rows)}</td><td className="mono small">{f.path}</td></tr>)}
              <tr><td className="strong">bundle/</td><td className="num">–</td><td className="mono small">{result.bundleDir}</td></tr>
              <tr><td className="strong">bundle.zip</td><td className="num">–</td><td className="mono small">{result.archive}</td></tr>
              <tr><td className="strong">report.html</td><td className="num">–</td><td className="mono small"><button className="link mono small" onClick={() => void openReport(result.report)} data-testid="report-link">{result.report}</button></td></tr>
            </tbody>
          </table>
          <Verdict v={result.verification} />
        </section>
      )}
    </div>
  );
}

function Verdict({ v }: { v: VerifyView }) {
  return (
    <div className={`banner banner-${v.ok ? 'green' : 'red'}`} data-testid="verification">
      <Icon name={v.ok ? 'check' : 'alert'} size={22} />
      <div>
        <strong>{v.ok ? 'Bundle verified' : `Bundle does not verify${v.culprit ? `: ${v.culprit}` : ''}`}</strong>
        <div className="small">{v.verdict}</div>
      </div>
    </div>
  );
}
