// The full preview of a fix: the numbers it is judged by (cells and rows changed, rows that leave
// quarantine, rows still failing and why, regressions) and every change it makes, as distinct
// before → after groups with their counts, a page at a time. It follows the rule being edited:
// the draft is sent to the engine (debounced), which checks it in the sandbox before running it.
import { useEffect, useMemo, useState } from 'react';
import type { ProposalView, RulePreview } from '../../../main/api/contract.js';
import { call } from '../bridge.js';
import { useDebounced, useLoad } from '../useLoad.js';
import { count, counted as plural } from '../format.js';
import { DiffText } from '../components/DiffText.js';
import { ErrorNote } from '../components/ErrorNote.js';

export type Draft = ProposalView['rule'];
export type PreviewOk = Extract<RulePreview, { ok: true }>;

/** Groups per page: enough to read at a glance, small enough for any pattern. */
export const PREVIEW_PAGE = 20;
const DEBOUNCE_MS = 300;

interface Props {
  runId: string;
  proposal: ProposalView;
  /** the rule being edited, or null for the stored one */
  draft: Draft | null;
  onNumbers?(preview: PreviewOk | null): void;
}


export function FixPreview({ runId, proposal, draft, onNumbers }: Props) {
  const draftKey = useDebounced(draft ? JSON.stringify(draft) : '', DEBOUNCE_MS);
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [draftKey, proposal.id]);
  const loaded = useLoad<RulePreview>(() => call('previewRule', {
    runId, proposalId: proposal.id, offset, limit: PREVIEW_PAGE, ...(draftKey ? { draft: JSON.parse(draftKey) as Draft } : {}),
  }), [runId, proposal.id, draftKey, offset]);
  const data = loaded.data;
  const ok = data?.ok ? data : null;
  useEffect(() => { onNumbers?.(ok); }, [ok, onNumbers]);
  const pending = loaded.loading || (draft ? JSON.stringify(draft) !== draftKey : false);
  const pages = ok ? Math.max(1, Math.ceil(ok.groupCount / PREVIEW_PAGE)) : 1;
  // The page shown is the one the engine answered for (a page still on its way keeps the last one up).
  const shownAt = ok?.offset ?? 0;
  const page = Math.floor(shownAt / PREVIEW_PAGE);
  const why = useMemo(() => ok?.stillFailingBy.map((b) => `${b.column} ${b.reason} ×${count(b.rows)}`).join(', ') ?? '', [ok]);

  return (
    <div className="diff fix-preview" data-testid="fix-preview" data-state={pending ? 'pending' : loaded.error ? 'error' : data ? (data.ok ? 'ok' : 'refused') : 'none'} data-draft={draftKey ? 'yes' : 'no'}>
      <div className="rule-head">
        <span className="meta-l">{draftKey ? 'Before → after, as edited' : 'Before → after'}</span>
        <span className="tiny muted">every change on the pattern, in the sandbox, on the rows as they stand{pending && <> · <span className="spinner" />updating…</>}</span>
      </div>
      <ErrorNote error={loaded.error} />
      {data && !data.ok && <p className="note note-amber small" data-testid="preview-refused">{data.reason}</p>}
      {!data && loaded.loading && <p className="small muted"><span className="spinner" />Applying the rule in the sandbox…</p>}
      {ok && (
        <>
          <p className="fix-numbers" data-testid="fix-numbers"
            data-cells={ok.cellsChanged} data-rows={ok.rowsChanged} data-leave={ok.leaveQuarantine} data-still={ok.stillFailing} data-regressions={ok.regressions} data-groups={ok.groupCount}>
            Changes <strong>{plural(ok.cellsChanged, 'cell')}</strong> in <strong>{plural(ok.rowsChanged, 'row')}</strong> of {count(ok.patternRows)};{' '}
            <strong>{plural(ok.leaveQuarantine, 'row')}</strong> leave{ok.leaveQuarantine === 1 ? 's' : ''} quarantine;{' '}
            <strong>{count(ok.stillFailing)}</strong> still fail{ok.stillFailing === 1 ? 's' : ''}{ok.stillFailing > 0 && why ? <span className="muted" data-testid="still-failing"> ({why})</span> : null};{' '}
            <strong className={ok.regressions > 0 ? 'bad' : ''}>{plural(ok.regressions, 'regression')}</strong>.
          </p>
          {ok.groupCount === 0
            ? <p className="note note-grey small" data-testid="no-change">This rule changes no cell of the pattern as its rows stand now.</p>
            : (
              <>
                <table className="table compact diff-table" data-testid="diff">
                  <thead><tr><th>Column</th><th>Change</th><th className="num">Cells</th></tr></thead>
                  <tbody>
                    {ok.groups.map((g, i) => (
                      <tr key={`${shownAt + i}`} data-group={shownAt + i} data-before={g.before ?? ''} data-after={g.after ?? ''} data-cells={g.cells}>
                        <td className="mono">{g.column}</td>
                        <td><DiffText before={g.before} after={g.after} /></td>
                        <td className="num mono">{count(g.cells)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="rt-pager small muted" data-testid="preview-pager">
                  <span>{count(shownAt + 1)}–{count(shownAt + ok.groups.length)} of {plural(ok.groupCount, 'distinct change')}</span>
                  {pages > 1 && (
                    <span className="rt-pages">
                      <button className="btn btn-secondary btn-sm" disabled={page === 0} onClick={() => setOffset(shownAt - PREVIEW_PAGE)} aria-label="Previous changes">‹</button>
                      <span>page {count(page + 1)} of {count(pages)}</span>
                      <button className="btn btn-secondary btn-sm" disabled={page >= pages - 1} onClick={() => setOffset(shownAt + PREVIEW_PAGE)} aria-label="Next changes">›</button>
                    </span>
                  )}
                </div>
              </>
            )}
        </>
      )}
    </div>
  );
}
