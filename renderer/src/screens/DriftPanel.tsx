// A schema drift halted the stream: what changed, and the two ways on: stop here, or accept the
// file's columns as a new contract version (reviewed on the Contract screen before any run).
import { useState } from 'react';
import type { ApiError, RunSummary } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { useApp } from '../store.js';
import { Badge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';

const KIND_TONE = { added: 'blue', dropped: 'red', renamed: 'amber', reordered: 'violet' } as const;

export function DriftPanel({ summary }: { summary: RunSummary }) {
  const { setDraft, go } = useApp();
  const [error, setError] = useState<ApiError | null>(null);
  const [stopped, setStopped] = useState(false);
  const changes = summary.drift?.changes ?? [];
  const accept = async () => {
    try {
      setDraft(await call('acceptDrift', { runId: summary.runId }));
      go('contract');
    } catch (e) {
      setError(errorOf(e));
    }
  };
  return (
    <section className="card drift" data-testid="drift">
      <div className="card-head"><h3>Schema drift: the stream is halted</h3><Badge tone="red">nothing promoted</Badge></div>
      <p className="small">{summary.input.name} does not have the columns contract <strong>{summary.contract.id} {summary.contract.version}</strong> declares. The raw file is safe in the vault.</p>
      <table className="table">
        <thead><tr><th>Change</th><th>Column</th><th>Detail</th></tr></thead>
        <tbody>
          {changes.map((c, i) => (
            <tr key={i}><td><Badge tone={KIND_TONE[c.kind as keyof typeof KIND_TONE] ?? 'grey'}>{c.kind}</Badge></td><td className="mono">{c.column}</td><td className="small">{c.detail}</td></tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={error} />
      {stopped
        ? <p className="note note-grey small">Stopped. The run stays halted; fix the file at its source and drop it again.</p>
        : (
          <div className="actions">
            <button className="btn btn-secondary" onClick={() => setStopped(true)} data-testid="drift-stop">Stop here</button>
            <button className="btn btn-primary" onClick={() => void accept()} data-testid="drift-accept">Accept as a new version…</button>
          </div>
        )}
    </section>
  );
}
