// The report's sections, each a pure function of the report data returning escaped HTML.
import type { ReportData } from '../report.js';
import { failureChart } from './failureChart.js';
import { badge, esc, fmtBytes, fmtInt, fmtNumber, fmtPct, hashCell, section, table } from './html.js';
import { runBadges, STATE_LABEL, type BadgeTone } from '../../api/runBadges.js';
import type { RunSummary } from '../../pipeline/types.js';

/** A long list (a thousand clusters) is shown up to this many rows, with the count of the rest:
 *  the report stays a readable page; every row is in the bundle's JSON files. */
export const MAX_REPORT_ROWS = 50;

function capped(rows: string[][], width: number, where: string): string[][] {
  if (rows.length <= MAX_REPORT_ROWS) return rows;
  const more = `<span class="muted">${fmtInt(rows.length - MAX_REPORT_ROWS)} more (${fmtInt(rows.length)} in all) are in ${esc(where)}</span>`;
  return [...rows.slice(0, MAX_REPORT_ROWS), [more, ...Array.from({ length: width - 1 }, () => '')]];
}

/** The report's four badge colours for the app's tones. */
const REPORT_CLASS: Record<BadgeTone, 'ok' | 'warn' | 'bad' | 'info'> = {
  green: 'ok', gold: 'warn', amber: 'warn', red: 'bad', violet: 'bad', blue: 'info', grey: 'info', slate: 'info',
};

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function headerBlock(d: ReportData): string {
  // The state the Run screen and the run list show (runBadges), so the three never disagree.
  const state = runBadges({ ...d.run, reconciliation: d.reconciliation } as unknown as RunSummary);
  const cls = REPORT_CLASS[state.tone];
  const input = d.inputs[0];
  const meta: Array<[string, string]> = [
    ['Run', `<code>${esc(d.runId)}</code>`],
    ['State', `<span class="badge ${cls}" data-state="${esc(state.state)}">${esc(STATE_LABEL[state.state])}</span> ${esc(state.headline)}`],
    ['Input file', input ? `${esc(input.name)} <span class="muted">· ${fmtBytes(input.bytes)}</span>` : '–'],
    ['Contract', `${esc(d.contract.name || d.contract.id)} <span class="muted">v${esc(d.contract.version)}</span>`],
    ['Contract SHA-256', hashCell(d.contract.yamlSha256, 16)],
    ['Schema signature', hashCell(d.contract.signature, 16)],
    ['Bundle created', esc(d.createdAt)],
    ['Signing key', hashCell(d.keyId, 16)],
  ];
  return `<header class="top">
<div class="brand"><span class="mark">A</span>Airlock · Audit report</div>
<h1>${esc(d.contract.name || d.contract.id)} <span class="h1-sep">·</span> ${esc(d.runId)}</h1>
<p class="sub">What came in, what was changed and why, what went out. Signed, and verifiable offline.</p>
<dl class="meta">${meta.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
</header>`;
}

export function summaryCards(d: ReportData): string {
  const r = d.run;
  const cards: Array<[string, unknown, string]> = [
    ['Source rows', r.sourceRows, 'info'],
    ['Promoted', r.successRows, 'ok'],
    ['Quarantined', r.quarantineRows, num(r.quarantineRows) > 0 ? 'warn' : 'ok'],
    ['Duplicates', r.duplicateRows, 'info'],
    ['Remediated', r.remediatedRows, 'ok'],
    ['Clusters', d.clusters.length, 'info'],
    ['Audit entries', d.audit.entries, 'info'],
  ];
  return `<div class="cards" id="summary">${cards
    .filter(([, v]) => v !== undefined)
    .map(([label, v, cls]) => `<div class="stat ${cls}"><div class="label">${esc(label)}</div><div class="value">${fmtInt(v)}</div></div>`)
    .join('')}</div>`;
}

export function reconciliationSection(d: ReportData): string {
  const r = d.run;
  // The same badges as the Run screen (runBadges): pending rows of a held batch count.
  const badges = runBadges({ ...r, reconciliation: d.reconciliation } as unknown as RunSummary);
  const pending = num(r.pendingRows);
  const term = (v: unknown, t: string) => `<div class="term"><div class="n">${fmtInt(v)}</div><div class="t">${esc(t)}</div></div>`;
  const equation = `<div class="equation">${term(r.sourceRows, 'source rows')}<span class="op">=</span>${term(r.successRows, 'promoted')}<span class="op">+</span>${term(r.quarantineRows, 'quarantined')}<span class="op">+</span>${term(r.duplicateRows, 'duplicates')}${pending ? `<span class="op">+</span>${term(pending, 'pending')}` : ''}<span class="verdict">${badge(badges.reconciled, badges.reconciled ? 'reconciled' : 'does not reconcile', badges.reconciled ? 'reconciled' : 'does not reconcile')}</span></div>`;
  const rows = d.reconciliation.map((s, i) => [
    esc(s.stage), fmtInt(s.sourceRows), fmtInt(s.successRows), fmtInt(s.quarantineRows), fmtInt(s.duplicateRows), fmtInt(num((s as { pendingRows?: unknown }).pendingRows)),
    badge(badges.stages[i].balanced, badges.stages[i].label, badges.stages[i].label),
  ]);
  return section('reconciliation', 'Reconciliation', equation + table(['Stage', 'Source', 'Success', 'Quarantine', 'Duplicates', 'Pending', 'Check'], rows, [1, 2, 3, 4, 5]),
    'Every row is accounted for after every stage: source = success + quarantine + duplicates + pending (rows of a held batch waiting for a decision).');
}

export function gatesSection(d: ReportData): string {
  const failed = d.gates.filter((g) => !g.passed).length;
  const rows = d.gates.map((g) => [`<code>${esc(g.name)}</code>`, esc(g.metric), fmtNumber(g.value), badge(g.passed)]);
  return section('gates', 'Quality gates', table(['Gate', 'Metric', 'Value', 'Result'], rows, [2]),
    d.gates.length ? `${d.gates.length - failed} of ${d.gates.length} passed` : 'The contract declares no gate.');
}

export function failuresSection(d: ReportData): string {
  const rows = [...d.failures].sort((a, b) => b.count - a.count).map((f) => [esc(f.column), `<code>${esc(f.reason)}</code>`, fmtInt(f.count)]);
  const total = d.failures.reduce((a, f) => a + f.count, 0);
  return section('failures', 'Failures by column and reason', failureChart(d.failures.slice(0, MAX_REPORT_ROWS)) + table(['Column', 'Reason', 'Cells'], capped(rows, 3, 'run.json (failuresByColumn)'), [2]),
    `${fmtInt(total)} failing cells at validation`);
}

export function clustersSection(d: ReportData): string {
  const rows = d.clusters.map((c) => [
    `<code>${esc(c.id)}</code>`, esc(c.column), `<code>${esc(c.reason)}</code>`, fmtInt(c.size),
    c.samples.slice(0, 4).map((s) => `<span class="sample">${s.value === null ? '<i class="muted">null</i>' : esc(s.value)}<span class="c">×${fmtInt(s.count)}</span></span>`).join(''),
    c.rule ? `<code>${esc(c.rule)}</code>` : '<span class="muted">–</span>',
    `<span class="badge ${c.status === 'applied' || c.status === 'approved' ? 'ok' : c.status === 'rejected' ? 'bad' : 'info'}">${esc(c.status)}</span>`,
  ]);
  return section('clusters', 'Clusters and their rules', table(['Cluster', 'Column', 'Reason', 'Rows', 'Samples', 'Rule', 'Status'], capped(rows, 7, 'run.json (clusterSummaries)'), [3]),
    'Quarantined cells grouped by how they fail; samples are representatives, personal values shown as tokens.');
}

/** Lines of a rule's table the report shows; recipe.json holds them all. */
const RULE_LINES = 12;

/** A rule as every screen shows it: its sentence, then its SQL (expressions) or its first lines. */
function ruleChange(r: ReportData['rules'][number]): string {
  const d = r.description;
  const sql = d.sql ? `<code class="sql">${esc(d.sql)}</code>` : '';
  const lines = d.table
    ? `<table class="rule-lines"><tr>${d.table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${d.table.rows.slice(0, RULE_LINES)
      .map((row) => `<tr>${row.map((v) => `<td>${esc(v === null ? '' : String(v))}</td>`).join('')}</tr>`).join('')}</table>${d.table.rows.length > RULE_LINES ? `<div class="muted">${d.table.rows.length - RULE_LINES} more lines in recipe.json</div>` : ''}`
    : '';
  return `<div>${esc(d.sentence)}</div>${sql}${lines}`;
}

export function recipeSection(d: ReportData): string {
  const rows = d.rules.map((r) => [
    `<code>${esc(r.id)}</code>`,
    esc(r.column),
    `<div class="muted">${esc(r.patternType)}</div>${ruleChange(r)}<div class="rule-why">${esc(r.reasoning)}</div>`,
    `<code>${esc(r.proposer)}</code>`,
    fmtPct(r.confidence),
    fmtPct(r.coverage),
    esc(r.approver),
  ]);
  return section('recipe', 'Approved rules (recipe)', table(['Rule', 'Column', 'Change', 'Proposer', 'Confidence', 'Coverage', 'Approver'], capped(rows, 7, 'recipe.json'), [4, 5]),
    'recipe.json holds these rules in a form <code>airlock run</code> re-applies.');
}

export function auditSection(d: ReportData): string {
  const a = d.audit;
  const callout = d.includePii
    ? '<div class="callout warn"><b>Personal data in clear.</b> This bundle was exported with <code>--include-pii</code>; the signed statement records it.</div>'
    : '<div class="callout ok"><b>Personal data protected.</b> Values of pii columns and values detected as personal appear as keyed tokens (<code>pii:&lt;kind&gt;:&lt;hmac&gt;</code>): the same value always gives the same token, and only the workspace can resolve one.</div>';
  const kinds = Object.entries(a.byKind).sort((x, y) => y[1] - x[1]).map(([k, n]) => `<div class="kind"><span>${esc(k)}</span><b>${fmtInt(n)}</b></div>`).join('');
  const kv: Array<[string, string]> = [
    ['Entries', fmtInt(a.entries)],
    ['Sequence', a.firstSeq === null ? '–' : `${fmtInt(a.firstSeq)} – ${fmtInt(a.lastSeq)}`],
    ['Anchor (previous hash)', hashCell(a.anchor, 24)],
    ['Chain head', hashCell(a.head, 24)],
  ];
  return section('audit', 'Audit log', `${callout}<div class="kinds">${kinds}</div><dl class="kv">${kv.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`,
    'audit.jsonl: every entry hashes the one before it; removing, changing or moving one breaks the chain.');
}

export function filesSection(d: ReportData): string {
  const inputs = table(['Input', 'Size', 'SHA-256'], d.inputs.map((f) => [esc(f.name), fmtBytes(f.bytes), hashCell(f.sha256)]), [1]);
  const outputs = table(['Output', 'Rows', 'SHA-256'], d.outputs.map((f) => [esc(f.name), fmtInt(f.rows), hashCell(f.sha256)]), [1]);
  const field = (m: Record<string, unknown>, ...keys: string[]) => keys.map((k) => m[k]).find((v) => v !== undefined && v !== null);
  const models = table(['Model', 'Role', 'Size', 'SHA-256'], d.models.map((m) => [
    esc(field(m, 'file', 'fileName', 'name') ?? '–'), esc(field(m, 'role', 'kind') ?? '–'), fmtBytes(field(m, 'bytes', 'size')), hashCell(field(m, 'sha256')),
  ]), [2]);
  const rt = d.runtime;
  const runtime: Array<[string, string | undefined]> = [['Airlock', rt.airlock], ['DuckDB', rt.duckdb], ['Node.js', rt.node], ['llama.cpp', rt.llamaCpp], ['onnxruntime', rt.onnxruntime]];
  const kv = `<dl class="kv">${runtime.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v ? esc(v) : '<span class="muted">not used</span>'}</dd>`).join('')}</dl>`;
  return section('files', 'Inputs, outputs and models', `<div class="grid-2"><div>${inputs}</div><div>${outputs}</div></div><div class="grid-2 spaced"><div>${models}</div><div>${kv}</div></div>`,
    'The raw bytes stay in the workspace vault; their hashes are here.');
}
