// The report's reconciliation badges are the Run screen's (runBadges): seeded summaries of held,
// completed and broken runs, with pending rows, give the same verdict in report.html as the pure
// function, computed here from the equation itself; long lists are capped with their count.
import { describe, expect, it } from 'vitest';
import { runBadges } from '../../main/api/runBadges.js';
import { renderReport, type ReportData } from '../../main/audit/report.js';
import { MAX_REPORT_ROWS } from '../../main/audit/report/sections.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { seeded } from '../helpers/seeded.js';

function stage(rng: ReturnType<typeof seeded>, name: string, broken: boolean) {
  const success = rng.int(0, 500);
  const quarantine = rng.int(0, 50);
  const duplicates = rng.int(0, 5);
  const pending = rng.chance(0.5) ? rng.int(1, 300) : 0;
  const source = success + quarantine + duplicates + pending + (broken ? rng.pick([-1, 1, 7]) : 0);
  return { stage: name, sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending, ok: !broken };
}

function report(summary: Record<string, unknown>, reconciliation: ReturnType<typeof stage>[], clusters = 0): string {
  const d: ReportData = {
    runId: 'run_x', createdAt: '2026-12-01T00:00:00Z', run: summary,
    contract: { id: 'c', name: 'c', version: '1', yamlSha256: 'ab'.repeat(32), signature: 'cd'.repeat(32) },
    reconciliation, gates: [], failures: [],
    clusters: Array.from({ length: clusters }, (_, i) => ({ id: `c${i}`, column: 'x', reason: 'R', size: 1, samples: [], status: 'no proposal' })),
    rules: [], audit: { entries: 0, firstSeq: null, lastSeq: null, anchor: null, head: null, byKind: {} },
    inputs: [], outputs: [], models: [], runtime: { airlock: '0', duckdb: '0', node: 'v20' }, includePii: false, keyId: 'k',
  };
  return renderReport(d);
}

describe('runBadges and the report agree', () => {
  it('on 300 seeded runs, held ones with pending rows balanced', () => {
    const rng = seeded(5);
    for (let i = 0; i < 300; i++) {
      const broken = rng.chance(0.3);
      const stages = ['ingest', 'route', 'promote'].map((s) => stage(rng, s, broken && rng.chance(0.5)));
      const last = stages[stages.length - 1];
      const summary = { runId: 'run_x', status: last.pendingRows ? 'held' : 'completed', reconciled: !stages.some((s) => !s.ok), ...last, reconciliation: stages } as unknown as RunSummary;
      const badges = runBadges(summary);
      for (const [j, s] of stages.entries()) {
        expect(badges.stages[j].balanced).toBe(s.ok && s.sourceRows === s.successRows + s.quarantineRows + s.duplicateRows + s.pendingRows);
      }
      const html = report(summary as unknown as Record<string, unknown>, stages);
      const section = html.slice(html.indexOf('id="reconciliation"'), html.indexOf('id="gates"'));
      expect((section.match(/✓ balanced/g) ?? []).length).toBe(badges.stages.filter((b) => b.balanced).length);
      expect((section.match(/✗ broken/g) ?? []).length).toBe(badges.stages.filter((b) => !b.balanced).length);
    }
  });

  it('a long cluster list is capped, with the count of the rest', () => {
    const html = report({ runId: 'run_x', sourceRows: 1, successRows: 1, quarantineRows: 0, duplicateRows: 0, reconciled: true }, [], 1000);
    const section = html.slice(html.indexOf('id="clusters"'), html.indexOf('id="recipe"'));
    expect((section.match(/<tr>/g) ?? []).length).toBe(MAX_REPORT_ROWS + 2);
    expect(section).toContain(`${1000 - MAX_REPORT_ROWS} more (1,000 in all)`);
  });
});
