// The timeline's sentence for the audit entries of a remediation job and of the record count:
// each says what happened, never 'Stage remediation-job: ? rows in ? ms' or 'Stored undefined in
// the vault' (what the generic sentences printed for them; seen on the app's audit screenshot).
import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../main/api/auditSummary.js';

const entries: Array<{ kind: string; payload: Record<string, unknown>; says: RegExp }> = [
  { kind: 'ingest', payload: { event: 'counted', sourceRecords: 1000, countedBy: 'record-scan', parsed: 998, malformed: 2 }, says: /Counted 1,000 source records .*998 parsed, 2 malformed/ },
  { kind: 'stage', payload: { stage: 'finish', status: 'remediating', sourceRows: 1000, successRows: 591, quarantineRows: 409, duplicateRows: 0, reconciled: true }, says: /^Fast lane committed: 1,000 source = 591 clean \+ 409 quarantined \+ 0 duplicates, reconciled; the quarantine's remediation goes on as a job$/ },
  { kind: 'stage', payload: { stage: 'remediation-job', event: 'started', stepsDone: 0, pid: 1 }, says: /^Remediation job started$/ },
  { kind: 'stage', payload: { stage: 'remediation-job', event: 'resumed', stepsDone: 2, pid: 1 }, says: /^Remediation job resumed after 2 committed steps$/ },
  { kind: 'stage', payload: { stage: 'remediation-job', event: 'failed', error: 'boom' }, says: /^Remediation job failed: boom$/ },
  { kind: 'stage', payload: { stage: 'remediation-round', round: 1, clusters: 12, proposals: 9, changedCells: 40, promotedRows: 30 }, says: /^Remediation round 1: 12 clusters, 9 proposals, 40 cells changed, 30 rows promoted$/ },
  { kind: 'stage', payload: { stage: 'remediation-step-recorded', step: 2, from: 'x' }, says: /step 2 recorded from its DuckDB marker/ },
  { kind: 'stage', payload: { stage: 'remediation-resumed', stepsDone: 1, droppedProposals: 3 }, says: /resumed after 1 steps \(3 proposals/ },
];

describe('the timeline sentence of job and count entries', () => {
  for (const e of entries) {
    it(`${e.kind} ${String(e.payload.stage ?? e.payload.event)}`, () => {
      const line = describeEntry(e);
      expect(line).toMatch(e.says);
      expect(line).not.toMatch(/undefined|\?/);
    });
  }
});
