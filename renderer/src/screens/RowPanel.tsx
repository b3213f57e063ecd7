// One quarantined row, opened beside the grid: the record exactly as it arrived with its line,
// each failed check in words with what the contract expected, the rows of its key or dependency
// group side by side, the values the group offers for a failing cell, and its history.
import { useEffect } from 'react';
import type { QuarantineRowDetail, RowGroup } from '../../../main/api/contract.js';
import { call } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { colourOf } from '../components/FailureChart.js';

interface Props {
  runId: string;
  rowId: number;
  revision: number;
  onClose(): void;
}

const MEMBERS_SHOWN = 40;
const show = (v: string | null) => (v === null ? '∅' : v);

function GroupTable({ group }: { group: RowGroup }) {
  const title = group.kind === 'dependency'
    ? `${group.key.map((k) => k.column).join(' + ')} → ${group.dependent}`
    : `key ${group.key.map((k) => k.column).join(' + ')}`;
  return (
    <div className="rp-group" data-testid="row-group" data-kind={group.kind} data-rule={group.rule}>
      <div className="rp-group-head">
        <strong className="mono">{title}</strong>
        <span className="small muted">{count(group.size)} rows with {group.key.map((k) => `${k.column} = ${show(k.value)}`).join(', ')}</span>
      </div>
      {group.values.length > 0 && (
        <ul className="rp-values" data-testid="group-values">
          {group.values.map((v, i) => (
            <li key={i} className={v.thisRow ? 'mine' : ''} data-value={v.value ?? ''} data-count={v.count}>
              <span className="mono">{show(v.value)}</span>
              <span className="rp-bar" style={{ width: `${(v.count / Math.max(1, group.size)) * 100}%` }} />
              <span className="facet-count">{count(v.count)}{v.thisRow ? ' · this row' : ''}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="rp-table-wrap">
      <table className="rp-table">
        <thead><tr><th>Row</th>{group.columns.map((c) => <th key={c}>{c}</th>)}<th>Where</th></tr></thead>
        <tbody>
          {group.rows.map((r) => (
            <tr key={r.rowId} className={r.self ? 'self' : ''} data-testid="group-row" data-row-id={r.rowId}>
              <td className="mono">{r.rowId}{r.self ? ' (this)' : ''}</td>
              {r.values.map((v, i) => <td key={i}>{show(v)}</td>)}
              <td className="small muted">{r.quarantined ? 'quarantine' : 'production'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {group.more > 0 && <p className="small muted">… and {count(group.more)} more rows of the group.</p>}
    </div>
  );
}

export function RowPanel({ runId, rowId, revision, onClose }: Props) {
  const row = useLoad<QuarantineRowDetail>(() => call('quarantineRow', { runId, rowId }), [runId, rowId, revision]);
  const d = row.data?.rowId === rowId ? row.data : null;
  // Escape closes the panel, as it closes any overlay.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="row-panel card" data-testid="row-panel" data-row-id={rowId} aria-label={`Quarantined row ${rowId}`}>
      <div className="rp-head">
        <h3>Row {rowId}</h3>
        {d?.raw.line != null && <span className="pill" data-testid="raw-line-number">line {d.raw.line}</span>}
        <button className="btn btn-ghost btn-sm" onClick={onClose} data-testid="row-panel-close" aria-label="Close the row">×</button>
      </div>
      <ErrorNote error={row.error} />
      {!d && !row.error && <p className="muted">Loading…</p>}
      {d && (
        <div className="rp-body">
          <section>
            <h4>As it arrived</h4>
            {d.raw.text !== null
              ? <pre className="rp-raw mono" data-testid="raw-line">{d.raw.text}</pre>
              : <p className="muted">{d.raw.note}</p>}
            {d.raw.text !== null && (
              <p className="small muted">
                line {d.raw.line} · bytes {d.raw.offset}–{(d.raw.offset ?? 0) + (d.raw.length ?? 0)} of the vault copy
                {d.raw.ending && d.raw.ending !== 'none' ? ` · ends with ${d.raw.ending}` : ''}{d.raw.note ? ` · ${d.raw.note}` : ''}
              </p>
            )}
          </section>
          <section>
            <h4>Why it is held back</h4>
            <ul className="rp-checks" data-testid="row-checks">
              {d.checks.map((c, i) => (
                <li key={i} data-reason={c.reason} data-column={c.column} style={{ borderColor: colourOf(c.reason) }}>
                  <p className="rp-sentence">{c.sentence}</p>
                  {c.expected && (
                    <p className="small rp-expected" data-testid="check-expected">
                      expected: <span className="mono">{c.expected.text}</span>
                      {c.expected.members && (
                        <span className="rp-members">
                          {c.expected.members.slice(0, MEMBERS_SHOWN).map((m) => <code key={m}>{m}</code>)}
                          {c.expected.members.length > MEMBERS_SHOWN && <span className="muted"> … {c.expected.members.length - MEMBERS_SHOWN} more</span>}
                        </span>
                      )}
                    </p>
                  )}
                  <p className="small muted mono">{c.rule}</p>
                </li>
              ))}
            </ul>
          </section>
          {d.groups.length > 0 && (
            <section>
              <h4>Its group, side by side</h4>
              {d.groups.map((g) => <GroupTable key={g.rule} group={g} />)}
            </section>
          )}
          {d.candidates.length > 0 && (
            <section data-testid="row-candidates">
              <h4>Candidates for the failing cells</h4>
              {d.candidates.map((c) => (
                <div key={`${c.column}:${c.determinant}`} className="rp-candidates" data-column={c.column} data-determinant={c.determinant} data-source={c.source}>
                  <p className="small"><strong className="mono">{c.column}</strong> by {c.determinant.split('+').join(' + ')}: <span className="muted">{c.note}.</span></p>
                  {c.values.length === 0 ? <p className="small muted">No value to offer.</p> : (
                    <ol>
                      {c.values.map((v) => (
                        <li key={v.rank} data-value={v.value ?? ''} className={v.winner ? 'winner' : ''}>
                          <span className="mono">{show(v.value)}</span>{' '}
                          <span className="muted small">{c.source === 'vote' ? `${count(v.count)} votes` : `${count(v.count)} rows`} · {Math.round(v.share * 100)}%{v.winner ? ' · elected' : ''}</span>
                        </li>
                      ))}
                    </ol>
                  )}
                </div>
              ))}
              {d.candidates[0].source === 'vote' && (
                <p className="small" data-testid="row-decision">
                  {d.candidates[0].decision !== null ? <>The agreed-value rule would set {d.candidates[0].column} to <strong className="mono">{d.candidates[0].decision}</strong> once approved.</> : <>The agreed-value rule leaves {d.candidates[0].column} as it is: fix it by hand, or in Review.</>}
                </p>
              )}
            </section>
          )}
          <section data-testid="row-history">
            <h4>History</h4>
            {d.history.length === 0 ? <p className="small muted">Nothing has changed this row since it arrived.</p> : (
              <ul className="rp-history">
                {d.history.map((h, i) => <li key={i} data-source={h.source}><span className="small muted mono">{h.ts.replace('T', ' ').slice(0, 19)}</span> {h.what}</li>)}
              </ul>
            )}
          </section>
        </div>
      )}
    </aside>
  );
}
