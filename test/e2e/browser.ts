// The one way the browser tests, the UI benchmark and scripts start Chromium: Debian's
// /usr/bin/chromium when the machine has it, otherwise the headless shell shipped inside the
// @sparticuz/chromium devDependency, so that a bare machine (CI, a new laptop) runs the same tests.
// It logs which binary it launched, so a green run says what it ran in.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumBinary {
  path: string;
  source: 'system' | '@sparticuz/chromium';
  /** extra switches the binary needs (the packaged one's, minus those that would change what the tests check) */
  args: string[];
}

/** Switches every launch gets: no network of its own, no GPU, root-safe (no sandbox). */
export const BASE_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/**
 * Of the packaged build's recommended switches, these are left out:
 * - --disable-web-security, --allow-running-insecure-content, --disable-site-isolation-trials
 *   weaken the same-origin rules the app runs under; the tests check the app inside them.
 * - --disable-features / --enable-features: Chromium keeps only the last of each, so they would
 *   replace Playwright's own list, which turns off features that reach out to the network.
 * - --single-process is for AWS Lambda's process limits and breaks several contexts per browser.
 * - --headless='shell': Playwright passes --headless itself.
 */
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--disable-features', '--enable-features', '--single-process', '--headless']);

export function packagedArgs(recommended: readonly string[]): string[] {
  return recommended.filter((a) => !DROPPED.has(a.split('=')[0]));
}

/**
 * Makes `dir` appear complete or not at all: the content is built in a private folder beside it
 * and renamed into place, which is atomic. Two processes unpacking at once both build; the first
 * rename wins and the other throws its copy away. A half-written binary is never seen, and a
 * crash mid-unpack leaves no lock behind.
 */
export async function publishOnce(dir: string, build: (into: string) => Promise<void>): Promise<string> {
  const ready = join(dir, '.complete');
  if (existsSync(ready)) return dir;
  const staging = mkdtempSync(`${dir}.unpacking-`);
  try {
    await build(staging);
    writeFileSync(join(staging, '.complete'), `${process.pid}\n`);
    renameSync(staging, dir);
    return dir;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Lost the race: another process published first.
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(ready)) return dir;
    throw e;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

const require = createRequire(import.meta.url);

function sparticuzVersion(): string {
  // package.json is not in the package's exports; find it from the entry point.
  let dir = dirname(require.resolve('@sparticuz/chromium'));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@sparticuz/chromium"')) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let unpacking: Promise<string> | null = null;

/** The packaged binary, unpacked once per version into the temp folder, shared by every process. */
async function unpackSparticuz(): Promise<ChromiumBinary> {
  const { default: sparticuz } = await import('@sparticuz/chromium');
  // No GPU here: its switches then turn WebGL off instead of emulating a GPU (the app draws no WebGL).
  sparticuz.setGraphicsMode = false;
  // It unpacks into os.tmpdir(); pointing TMPDIR at the private folder for the call keeps each
  // process's unpacking apart (one call at a time within a process).
  unpacking ??= publishOnce(join(tmpdir(), `airlock-chromium-${sparticuzVersion()}`), async (into) => {
    const before = process.env.TMPDIR;
    process.env.TMPDIR = into;
    try {
      const exe = await sparticuz.executablePath();
      if (exe !== join(into, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${exe}, not into ${into}`);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
  const dir = await unpacking;
  return { path: join(dir, 'chromium'), source: '@sparticuz/chromium', args: packagedArgs(sparticuz.args) };
}

export async function chromiumBinary(systemPath = SYSTEM_CHROMIUM): Promise<ChromiumBinary> {
  if (existsSync(systemPath)) return { path: systemPath, source: 'system', args: [] };
  return unpackSparticuz();
}

/**
 * Headless, offline-minded Chromium. Playwright gives every launch a fresh profile of its own
 * (a new --user-data-dir in the temp folder, removed on close; it refuses one passed in args).
 */
export async function launchChromium(): Promise<Browser> {
  const bin = await chromiumBinary();
  const browser = await playwright.launch({ executablePath: bin.path, headless: true, args: [...bin.args, ...BASE_ARGS] });
  console.log(`[e2e] Chromium ${browser.version()} from ${bin.source}: ${bin.path}`);
  return browser;
}
