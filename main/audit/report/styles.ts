// The report's only stylesheet, inlined: system fonts, no web fonts, no images, readable in print.
export const REPORT_CSS = `
:root {
  --ink: #0f172a; --ink-2: #334155; --muted: #64748b; --line: #e2e8f0; --bg: #f1f5f9; --card: #ffffff;
  --accent: #1d4ed8; --ok: #047857; --ok-bg: #d1fae5; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.top { background: linear-gradient(135deg, #0f172a 0%, #1e293b 60%, #1e3a8a 100%); color: #f8fafc; padding: 28px 40px 24px; }
.top .brand { display: flex; align-items: center; gap: 10px; font-size: 12px; letter-spacing: .14em; text-transform: uppercase; color: #93c5fd; font-weight: 600; }
.top .brand .mark { width: 22px; height: 22px; border-radius: 6px; background: #3b82f6; display: inline-grid; place-items: center; color: white; font-size: 13px; letter-spacing: 0; }
.top h1 { margin: 8px 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -.01em; }
.top h1 .h1-sep { color: #64748b; font-weight: 400; }
.top .sub { color: #cbd5e1; margin: 0 0 16px; }
.meta { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px 28px; margin: 0; }
.meta div { min-width: 0; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: #94a3b8; }
.meta dd { margin: 2px 0 0; color: #f1f5f9; overflow-wrap: anywhere; }
.meta dd code, .meta dd .hash { color: #e2e8f0; background: rgba(255, 255, 255, .10); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(135px, 1fr)); gap: 14px; margin-bottom: 18px; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.stat .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }
.stat .value { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.stat.ok { border-top: 3px solid var(--ok); } .stat.bad { border-top: 3px solid var(--bad); } .stat.info { border-top: 3px solid var(--accent); } .stat.warn { border-top: 3px solid #d97706; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 20px 22px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(15, 23, 42, .04); }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap; margin-bottom: 12px; }
.card h2 { font-size: 17px; margin: 0; font-weight: 650; }
.note { margin: 0; color: var(--muted); font-size: 13px; }
.equation { display: flex; align-items: center; flex-wrap: wrap; gap: 12px; padding: 16px 18px; border-radius: 10px; background: #f8fafc; border: 1px solid var(--line); margin-bottom: 14px; }
.equation .term { text-align: center; min-width: 96px; }
.equation .term .n { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.equation .term .t { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }
.equation .op { font-size: 22px; color: var(--muted); }
.equation .verdict { margin-left: auto; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--ink-2); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; border-bottom: 2px solid var(--line); padding: 8px 10px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; overflow-wrap: anywhere; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td > code:not(.sql) { white-space: nowrap; }
td.empty { color: var(--muted); text-align: center; font-style: italic; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); } .badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); } .badge.info { color: #1e40af; background: #dbeafe; }
.top .badge { font-size: 13px; }
.hash { color: var(--ink-2); background: #f1f5f9; padding: 1px 5px; border-radius: 4px; }
.muted { color: var(--muted); }
.sample { display: inline-block; margin: 1px 4px 1px 0; padding: 0 6px; border-radius: 4px; background: #f1f5f9; border: 1px solid var(--line); }
.sample .c { color: var(--muted); margin-left: 4px; font-size: 11px; }
.sql { display: block; white-space: pre-wrap; background: #0f172a; color: #e2e8f0; padding: 8px 10px; border-radius: 6px; margin-top: 4px; }
.rule-why { color: var(--ink-2); margin-top: 4px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 18px; }
.grid-2.spaced { margin-top: 18px; }
.chart { margin: 0 0 14px; }
.chart svg { max-width: 820px; display: block; }
.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink-2); }
.chart .value { font-weight: 600; fill: var(--ink); }
.chart .legend { fill: var(--ink-2); }
.chart .axis-line { stroke: #cbd5e1; stroke-width: 1; }
.kinds { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-bottom: 14px; }
.kind { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; display: flex; justify-content: space-between; }
.kind b { font-variant-numeric: tabular-nums; }
.callout { border-radius: 10px; padding: 12px 14px; margin-bottom: 14px; }
.callout.ok { background: var(--ok-bg); color: #064e3b; } .callout.warn { background: var(--warn-bg); color: #78350f; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
footer.page { max-width: 1180px; margin: 0 auto; padding: 0 32px 40px; color: var(--muted); font-size: 12.5px; }
@media print {
  body { background: white; }
  .top { background: white; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .top .sub, .meta dt, .meta dd, .meta dd code { color: var(--ink); }
  .card, .stat { box-shadow: none; break-inside: avoid; }
}
`;
