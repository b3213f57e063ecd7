// Runs the built renderer in Chromium (./browser.ts picks the binary) with window.airlock bound to the same handler
// table the app's IPC router serves, over a real workspace. The page is served from a test
// origin mapped onto the app's own file resolver and Content-Security-Policy; every request the
// page makes is recorded, and anything not for the app is aborted and kept as evidence.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import { CALL_NAMES, EVENT_NAMES, type JobEvent, type RunProgress } from '../../main/api/contract.js';
import { appFileFor, contentTypeFor } from '../../electron/main/appFiles.js';
import { contentSecurityPolicy } from '../../electron/main/csp.js';
import { APP_ORIGIN } from '../../electron/main/origin.js';
import { readFile } from 'node:fs/promises';

export const RENDERER_DIR = resolve(import.meta.dirname, '..', '..', 'out', 'renderer');
export const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
/** Stands in for app://airlock in the browser (.test never resolves); mapped onto the app's resolver. */
export const TEST_ORIGIN = 'http://airlock.test';

export interface AppHarness {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  handlers: Handlers;
  /** every URL the page asked for */
  requests: string[];
  /** URLs that were not the app's own (aborted) */
  outside: string[];
  /** console errors and uncaught page errors (a CSP violation lands here) */
  problems: string[];
  /** files the app asked the desktop to open (openPath answers the shell would open) */
  opened: string[];
  /**
   * Arms one cancel for the next run: sent through the public cancelRun call (what the Cancel
   * button sends) from inside the engine's first progress report of `stage`, see the emit below.
   */
  cancelAtStage(stage: RunProgress['stage']): void;
  close(): Promise<void>;
}

export { launchChromium };

export async function launchApp(opts: {
  workspace: string;
  modelsDir: string;
  browser?: Browser;
  /** test hook: milliseconds to hold a call's answer back, to see the screen while it waits */
  delay?: Partial<Record<string, number>>;
}): Promise<AppHarness> {
  if (!existsSync(resolve(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR}/index.html is missing: run npm run build:renderer first (npm test does).`);
  const browser = opts.browser ?? await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  await context.setOffline(true);
  const requests: string[] = [];
  const outside: string[] = [];
  const problems: string[] = [];
  const opened: string[] = [];
  const csp = contentSecurityPolicy();
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${TEST_ORIGIN}/`)) {
      outside.push(url);
      return route.abort('blockedbyclient');
    }
    const file = appFileFor(`${APP_ORIGIN}${url.slice(TEST_ORIGIN.length)}`, RENDERER_DIR);
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'Not found', headers: { 'content-security-policy': csp } });
    return route.fulfill({ status: 200, body: await readFile(file), headers: { 'content-type': contentTypeFor(file), 'content-security-policy': csp, 'x-content-type-options': 'nosniff' } });
  });

  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));

  let cancelAt: RunProgress['stage'] | null = null;
  const handlers = createHandlers({
    workspace: opts.workspace,
    modelsDir: opts.modelsDir,
    analyst: 'e2e-analyst',
    version: '0.1.0',
    emit: (name, payload) => {
      // Test-only, and only in this harness (the desktop's IPC router has no such thing, so it is
      // inert in the product): a 1,000-row run ends before a clicked Cancel reliably lands, so a
      // test that needs a cancelled run of a real table arms one. The engine reports progress
      // synchronously and cancelRun sets the session's flag before its first await, so the cancel
      // is in place before the pipeline takes another step, and the run's next progress report
      // stops it: the run is cancelled at that stage boundary every time, never by a timing race.
      // A background remediation job's progress counts as its run's (the app's runs go on as jobs).
      const progress = name === 'progress' ? payload as RunProgress : name === 'job' ? (payload as JobEvent).progress : undefined;
      if (progress && cancelAt && progress.stage === cancelAt) {
        cancelAt = null;
        void handlers.table.cancelRun({});
      }
      void page.evaluate(([n, p]) => (window as unknown as { __airlockEmit(n: string, p: unknown): void }).__airlockEmit(n, p), [name, payload] as const).catch(() => undefined);
    },
  });
  await page.exposeBinding('__airlockCall', async (_source, name: unknown, input: unknown) => {
    const wait = opts.delay?.[String(name)];
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const result = await handlers.handle(name, input);
    // What the desktop shell would open (electron/main/ipcRouter.ts): only what the engine allowed.
    if (name === 'openPath' && result.ok) opened.push((result.value as { opened: string }).opened);
    return result;
  });
  // The test twin of the preload: window.airlock built from the contract's list of calls.
  await page.addInitScript(({ calls, events }) => {
    const w = window as unknown as Record<string, unknown> & { __airlockCall(n: string, i: unknown): Promise<unknown> };
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const paths: Record<string, string> = {};
    w.__airlockPaths = paths;
    w.__airlockEmit = (name: string, payload: unknown) => { for (const fn of listeners.get(name) ?? []) fn(payload); };
    const bridge: Record<string, unknown> = {};
    for (const name of calls) bridge[name] = (input: unknown) => w.__airlockCall(name, input);
    bridge.on = (event: string, fn: (p: unknown) => void) => {
      if (!events.includes(event)) throw new Error(`unknown event ${event}`);
      const set = listeners.get(event) ?? new Set();
      set.add(fn);
      listeners.set(event, set);
      return () => set.delete(fn);
    };
    // In the app, Electron's webUtils gives the path; here the page object registers it by name.
    bridge.pathForFile = (file: File) => {
      const p = paths[file.name];
      if (!p) throw new Error(`no path registered for ${file.name}`);
      return p;
    };
    w.airlock = Object.freeze(bridge);
  }, { calls: CALL_NAMES as string[], events: EVENT_NAMES as string[] });
  await page.goto(`${TEST_ORIGIN}/index.html`, { waitUntil: 'load' });
  return {
    browser, context, page, handlers, requests, outside, problems, opened,
    cancelAtStage(stage) {
      cancelAt = stage;
    },
    async close() {
      await context.close().catch(() => undefined);
      if (!opts.browser) await browser.close().catch(() => undefined);
      await handlers.close();
    },
  };
}
