// No egress, proven. The whole pipeline (vault, ingest, validate, promote, remediation with the
// tiny embedder and the tiny GGUF actually loaded and called, export, bundle verification) runs
// in a separate process twice:
//   1. inside a network namespace whose only interface is loopback (`unshare -n`), where the
//      namespace's own kernel counters show that nothing, from any thread or native library,
//      asked the kernel to send a packet or open a connection;
//   2. on the machine's normal network, with the in-process egress guard counting attempts.
// Both show zero attempts to open a socket, resolve a name or fetch. Positive controls in the same
// processes, after the pipeline, show the instruments work: deliberate net.connect, dns.lookup and
// fetch calls are blocked and counted by the guard, and (in the namespace) an unguarded child's
// attempts are refused by the kernel and move the counters.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressAttempt } from '../../main/net/egressGuard.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { testModels } from '../helpers/testModels.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI, DEMO_CONTRACT, DEMO_CSV, REPO, requireUnshare, run, type Finished } from './helpers/proc.js';

const DRIVER = resolve(REPO, 'test', 'proof', 'helpers', 'pipelineDriver.ts');

interface DriverReport {
  interfaces: string[];
  pipeline: {
    attempts: EgressAttempt[];
    guardTotal: number;
    kernelBefore: Record<string, number>;
    kernelAfter: Record<string, number>;
    stages: string[];
    summary: RunSummary;
    exported: { name: string; rows: number }[];
    verify: { ok: boolean; verdict: string };
    chain: { ok: boolean; entries?: number };
    modelsUsed: { role: string; info: Record<string, unknown> }[];
  };
  control: {
    results: { what: string; blocked: boolean; error: string; message: string }[];
    attempts: EgressAttempt[];
    guardTotal: number;
    raw?: Record<string, string | boolean>;
    kernelAfterRaw?: Record<string, number>;
  };
}

let dir: string;
let input: string;
let models: { gguf: string; embedderDir: string };

beforeAll(async () => {
  models = await testModels();
  dir = tempDir('proof-egress');
  // The demo file, plus one row whose status no deterministic strategy can repair, so that the
  // language model is loaded and called (the demo alone is fixed without it).
  input = join(dir, 'customers.csv');
  writeFileSync(input, readFileSync(DEMO_CSV, 'utf8') + '501,zed quux,zed.quux501@example.com,526-367-5979,CO,2023-07-12,1459.64,???\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runDriver(mode: 'netns' | 'plain'): Promise<DriverReport> {
  const tag = `${mode}-${Date.now()}`;
  const args = [
    '--import', 'tsx', DRIVER,
    '--workspace', join(dir, `ws-${tag}`), '--input', input, '--contract', DEMO_CONTRACT,
    '--model', models.gguf, '--embedder', models.embedderDir, '--out', join(dir, `out-${tag}`), '--control',
  ];
  let r: Finished;
  if (mode === 'netns') {
    requireUnshare();
    r = await run('unshare', ['--net', '--', process.execPath, ...args, '--raw-control']);
  } else {
    r = await run(process.execPath, args);
  }
  if (r.code !== 0) throw new Error(`pipeline driver (${mode}) exited ${r.code ?? r.signal}:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as DriverReport;
}

const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};
const netns = once(() => runDriver('netns'));
const plain = once(() => runDriver('plain'));

const nonZero = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0));

/** The pipeline ran to the end, with both models loaded and the model called. */
function expectCompletePipeline(p: DriverReport['pipeline']): void {
  const s = p.summary;
  expect(s.status).toBe('completed');
  expect(s.reconciled).toBe(true);
  expect(s.sourceRows).toBe(501);
  expect(s.successRows + s.quarantineRows + s.duplicateRows).toBe(501);
  expect(s.successRows).toBeGreaterThan(s.fastLaneRows); // remediation promoted rows
  expect(p.stages).toEqual(['vault', 'ingest', 'validate', 'remediate']);
  expect(s.reconciliation.map((r) => r.stage)).toEqual(expect.arrayContaining(['route', 'promote', 'remediate', 'final']));
  // both models loaded, from the test fixtures, and the language model actually called
  expect(p.modelsUsed.map((m) => m.role)).toEqual(['embedder', 'llm']);
  expect(s.models?.llm).toBe('tiny-llama.gguf');
  expect(s.models?.embedder).toBe(models.embedderDir);
  expect(s.modelCalls).toBeGreaterThanOrEqual(1);
  expect(s.clusters).toBeGreaterThan(0);
  // exported and verified, audit chain intact
  expect(p.exported.map((f) => f.name).sort()).toEqual(['clean.csv', 'quarantine.csv']);
  expect(p.exported.find((f) => f.name === 'clean.csv')!.rows).toBe(s.successRows);
  expect(p.verify.ok, p.verify.verdict).toBe(true);
  expect(p.chain.ok).toBe(true);
}

describe('no egress: inside a network namespace with only loopback', () => {
  it('the namespace has no interface but loopback', async () => {
    const r = await netns();
    expect(r.interfaces).toEqual(['lo']);
  });

  it('runs the whole pipeline with both models, and nothing attempted the network: guard 0, kernel counters 0', async () => {
    const { pipeline } = await netns();
    expectCompletePipeline(pipeline);
    expect(pipeline.attempts).toEqual([]);
    expect(pipeline.guardTotal).toBe(0);
    // a fresh namespace starts every counter at zero; any packet, route lookup or connect moves one
    expect(Object.keys(pipeline.kernelAfter).length).toBeGreaterThan(20);
    expect(nonZero(pipeline.kernelBefore)).toEqual({});
    expect(nonZero(pipeline.kernelAfter)).toEqual({});
  });

  it('positive control: deliberate connect, lookup and fetch are blocked and counted by the guard', async () => {
    const { control } = await netns();
    expect(control.results.map((r) => [r.what, r.blocked, r.error])).toEqual([
      ['net.connect', true, 'EgressBlockedError'],
      ['dns.lookup', true, 'EgressBlockedError'],
      ['fetch', true, 'EgressBlockedError'],
    ]);
    expect(control.attempts.map((a) => [a.channel, a.target])).toEqual([
      ['socket', '192.0.2.1:80'],
      ['dns', 'example.com'],
      ['fetch', 'http://192.0.2.1/'],
    ]);
    expect(control.guardTotal).toBe(3);
  });

  it('positive control: without the guard, the kernel itself refuses, and the counters that stayed at 0 move', async () => {
    const { control } = await netns();
    expect(control.raw).toEqual({ connect: 'ENETUNREACH', dns: expect.stringMatching(/^(EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ENETUNREACH)$/), fetch: 'ENETUNREACH' });
    const moved = nonZero(control.kernelAfterRaw!);
    expect(moved['Ip.OutNoRoutes']).toBeGreaterThanOrEqual(2);
  });

  it('the shipped command line runs the demo end to end in the namespace (run, export, verify)', async () => {
    requireUnshare();
    const ws = join(dir, 'ws-cli-demo');
    const r = await run('unshare', ['--net', '--', process.execPath, CLI, 'demo', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ reconciled/);
    expect(r.stdout).toMatch(/^OK: bundle of run/m);
    expect(existsSync(join(ws, 'demo-export', 'bundle', 'run.json'))).toBe(true);
  });
});

describe('no egress: on the normal network, with the in-process guard counting', () => {
  it('runs the whole pipeline with both models and the guard counts zero attempts', async () => {
    const { pipeline } = await plain();
    expectCompletePipeline(pipeline);
    expect(pipeline.attempts).toEqual([]);
    expect(pipeline.guardTotal).toBe(0);
  });

  it('positive control: deliberate connect, lookup and fetch are blocked and counted', async () => {
    const { control } = await plain();
    expect(control.results.every((r) => r.blocked && /Airlock is offline/.test(r.message))).toBe(true);
    expect(control.attempts.map((a) => a.channel)).toEqual(['socket', 'dns', 'fetch']);
    expect(control.guardTotal).toBe(3);
    expect(control.raw).toBeUndefined();
  });

  it('both runs produced the same clean result (the namespace changed nothing but the network)', async () => {
    const [a, b] = [(await netns()).pipeline.summary, (await plain()).pipeline.summary];
    const pick = (s: RunSummary) => [s.sourceRows, s.successRows, s.quarantineRows, s.duplicateRows, s.fastLaneRows, s.remediatedRows, s.clusters, s.modelCalls];
    expect(pick(a)).toEqual(pick(b));
  });
});
