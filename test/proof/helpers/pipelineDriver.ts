// The no-egress proof's driver: a separate process that installs the engine's egress guard first
// (as bin/airlock.js does), counts every attempt the guard sees, runs the whole pipeline with the
// tiny test models (vault, ingest, validate, promote, remediation with the embedder and the GGUF,
// export, bundle verification), then prints one JSON object on stdout.
//
// When it runs inside a network namespace (`unshare -n`), it also reads the namespace's own kernel
// counters (/proc/net/snmp, /proc/net/snmp6): they start at zero in a fresh namespace and count
// every packet or connection the kernel was asked to route, from any thread or native library.
//
//   node --import tsx test/proof/helpers/pipelineDriver.ts --workspace W --input F --contract C
//        --model M.gguf --embedder DIR --out DIR [--control] [--raw-control]
//
// --control      after the pipeline, deliberately tries net.connect, dns.lookup and fetch in this
//                (guarded) process: each must be blocked and counted.
// --raw-control  after that, a child process WITHOUT the guard tries the same; inside the
//                namespace the kernel itself refuses, and the namespace's counters move.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installEgressGuard, onEgressAttempt, egressAttempts, type EgressAttempt } from '../../../main/net/egressGuard.js';

installEgressGuard();
const seen: EgressAttempt[] = [];
onEgressAttempt((a) => seen.push(a));

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' }, input: { type: 'string' }, contract: { type: 'string' },
    model: { type: 'string' }, embedder: { type: 'string' }, out: { type: 'string' },
    control: { type: 'boolean' }, 'raw-control': { type: 'boolean' },
  },
});
for (const k of ['workspace', 'input', 'contract', 'model', 'embedder', 'out'] as const) {
  if (!values[k]) throw new Error(`pipelineDriver: --${k} is required`);
}

/** Kernel network counters of this process's network namespace, as name -> value. */
function kernelCounters(): Record<string, number> {
  const out: Record<string, number> = {};
  const snmp = readFileSync('/proc/net/snmp', 'utf8').trim().split('\n');
  for (let i = 0; i + 1 < snmp.length; i += 2) {
    const names = snmp[i].split(/\s+/);
    const vals = snmp[i + 1].split(/\s+/);
    const proto = names[0].replace(/:$/, '');
    for (let j = 1; j < names.length; j++) out[`${proto}.${names[j]}`] = Number(vals[j]);
  }
  for (const line of readFileSync('/proc/net/snmp6', 'utf8').trim().split('\n')) {
    const [name, v] = line.trim().split(/\s+/);
    if (name) out[`ip6.${name}`] = Number(v);
  }
  return out;
}

/** The counters that move when anything is sent or a connection or route is attempted. */
function outboundCounters(all: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => /Out|ActiveOpens|AttemptFails/.test(k.split('.')[1] ?? '')));
}

function interfaces(): string[] {
  return readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
}

interface Blocked { what: string; blocked: boolean; error: string; message: string }

async function guardedControl(): Promise<Blocked[]> {
  const results: Blocked[] = [];
  const record = (what: string, e: unknown) => results.push({
    what, blocked: (e as Error)?.name === 'EgressBlockedError', error: (e as Error)?.name ?? String(e), message: String((e as Error)?.message ?? e),
  });
  try {
    const s = net.connect(80, '192.0.2.1');
    s.destroy();
    results.push({ what: 'net.connect', blocked: false, error: '', message: 'net.connect returned a socket' });
  } catch (e) {
    record('net.connect', e);
  }
  try {
    await new Promise<void>((res, rej) => {
      try {
        dns.lookup('example.com', (err) => (err ? rej(err) : res()));
      } catch (e) {
        rej(e);
      }
    });
    results.push({ what: 'dns.lookup', blocked: false, error: '', message: 'dns.lookup resolved' });
  } catch (e) {
    record('dns.lookup', e);
  }
  try {
    await fetch('http://192.0.2.1/');
    results.push({ what: 'fetch', blocked: false, error: '', message: 'fetch answered' });
  } catch (e) {
    record('fetch', e);
  }
  return results;
}

/** A child process with no guard at all: only the kernel stands between it and the network. */
function rawControl(): Record<string, string> {
  const script = `
    const net = require('node:net'); const dns = require('node:dns');
    const out = {};
    const t = setTimeout(() => { console.log(JSON.stringify({ ...out, timeout: true })); process.exit(0); }, 20000);
    (async () => {
      out.connect = await new Promise((r) => { const s = net.connect(80, '192.0.2.1'); s.on('error', (e) => r(e.code)); s.on('connect', () => { s.destroy(); r('CONNECTED'); }); });
      out.dns = await new Promise((r) => dns.lookup('example.com', (e) => r(e ? e.code : 'RESOLVED')));
      out.fetch = await fetch('http://192.0.2.1/').then(() => 'ANSWERED', (e) => (e.cause && e.cause.code) || e.name);
      clearTimeout(t);
      console.log(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  try {
    return JSON.parse(r.stdout.trim()) as Record<string, string>;
  } catch {
    return { error: `raw control printed ${JSON.stringify(r.stdout)} / ${JSON.stringify(r.stderr)}` };
  }
}

const kernelBefore = kernelCounters();
const { openEngine } = await import('../../../main/pipeline/context.js');
const { runBatch } = await import('../../../main/pipeline/runBatch.js');
const { exportRun } = await import('../../../main/export/exportRun.js');
const { verifyBundle } = await import('../../../main/audit/verifyBundle.js');

const stages: string[] = [];
// Two engines, as the command line opens them: `run` on the workspace alone, `export` with the
// output folder added to what DuckDB may write.
const engine = await openEngine(values.workspace!);
let summary: Awaited<ReturnType<typeof runBatch>>;
let modelsUsed: { role: string; info_json: string }[];
try {
  summary = await runBatch(engine, {
    file: resolve(values.input!),
    contractPath: resolve(values.contract!),
    approval: { kind: 'all' },
    remediation: { modelPath: resolve(values.model!), embedderDir: resolve(values.embedder!) },
    onStage: (s) => stages.push(s),
  });
  modelsUsed = engine.sqlite.prepare('SELECT role, info_json FROM models_used WHERE run_id = ? ORDER BY role').all(summary.runId) as { role: string; info_json: string }[];
} finally {
  engine.close();
}
const out = resolve(values.out!);
const { stagingDirFor } = await import('../../../main/export/exportDir.js');
const exporter = await openEngine(values.workspace!, [out, stagingDirFor(out)]);
let report: Record<string, unknown>;
try {
  const exported = await exportRun(exporter, { runId: summary.runId, outDir: out, format: 'csv' });
  const verified = await verifyBundle(exported.bundle.dir);
  report = {
    interfaces: interfaces(),
    pipeline: {
      attempts: [...seen],
      guardTotal: egressAttempts().length,
      kernelBefore: outboundCounters(kernelBefore),
      kernelAfter: outboundCounters(kernelCounters()),
      stages,
      summary,
      exported: exported.files.map((f) => ({ name: f.name, rows: f.rows })),
      verify: verified,
      chain: exporter.audit.verify(),
      modelsUsed: modelsUsed.map((m) => ({ role: m.role, info: JSON.parse(m.info_json) as Record<string, unknown> })),
    },
  };
} finally {
  exporter.close();
}

if (values.control) {
  const before = seen.length;
  const results = await guardedControl();
  const control: Record<string, unknown> = { results, attempts: seen.slice(before), guardTotal: egressAttempts().length };
  if (values['raw-control']) {
    control.raw = rawControl();
    control.kernelAfterRaw = outboundCounters(kernelCounters());
  }
  report.control = control;
}

process.stdout.write(`${JSON.stringify(report)}\n`);
