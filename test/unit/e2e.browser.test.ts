// Which Chromium the browser tests start, and the unpacking of the packaged one: a machine
// without /usr/bin/chromium uses @sparticuz/chromium, and two processes unpacking it at once
// never see a half-written folder.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BASE_ARGS, chromiumBinary, packagedArgs, publishOnce } from '../e2e/browser.js';
import { tempDir } from '../helpers/tmp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chromiumBinary', () => {
  it('uses the system Chromium when it exists', async () => {
    const fake = join(tempDir('chromium-sys'), 'chromium');
    writeFileSync(fake, '');
    expect(await chromiumBinary(fake)).toEqual({ path: fake, source: 'system', args: [] });
  });

  it('falls back to the packaged headless shell when there is none, and it is a real executable', async () => {
    const bin = await chromiumBinary(join(tempDir('chromium-none'), 'chromium'));
    expect(bin.source).toBe('@sparticuz/chromium');
    expect(bin.path).toMatch(/airlock-chromium-[\d.]+\/chromium$/);
    // An ELF executable, complete (the packaged build is well over 100 MB).
    const head = readFileSync(bin.path).subarray(0, 4);
    expect(head.toString('latin1')).toBe('\x7fELF');
    expect(existsSync(join(bin.path, '..', '.complete'))).toBe(true);
    expect(bin.args).toContain('--no-zygote');
    // No GPU: WebGL off rather than a software GPU.
    expect(bin.args).toContain('--disable-webgl');
    expect(bin.args.filter((a) => /swiftshader|--use-gl/.test(a))).toEqual([]);
  });
});

describe('packagedArgs', () => {
  it('drops the switches that weaken web security or replace Playwright\'s feature list', () => {
    const kept = packagedArgs(['--no-zygote', '--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials',
      '--disable-features=IsolateOrigins', '--enable-features=SharedArrayBuffer', '--single-process', "--headless='shell'", '--no-pings']);
    expect(kept).toEqual(['--no-zygote', '--no-pings']);
    expect(BASE_ARGS).toEqual(expect.arrayContaining(['--disable-background-networking', '--no-sandbox', '--disable-gpu']));
  });
});

describe('publishOnce', () => {
  it('two builders at once: both get the one complete folder, no staging left behind', async () => {
    const root = tempDir('publish');
    const dir = join(root, 'pack');
    const seen: boolean[] = [];
    const build = (tag: string) => async (into: string) => {
      writeFileSync(join(into, 'part1'), tag);
      // While one is half-way, the other looks: the published folder is absent or complete.
      await sleep(50);
      seen.push(!existsSync(dir) || existsSync(join(dir, '.complete')));
      writeFileSync(join(into, 'part2'), tag);
    };
    const [a, b] = await Promise.all([publishOnce(dir, build('a')), publishOnce(dir, build('b'))]);
    expect(a).toBe(dir);
    expect(b).toBe(dir);
    expect(seen).toEqual([true, true]);
    const parts = ['part1', 'part2'].map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(parts[0]).toBe(parts[1]);
    expect(readdirSync(root)).toEqual(['pack']);
  });

  it('a published folder is reused without building', async () => {
    const dir = join(tempDir('publish-reuse'), 'pack');
    await publishOnce(dir, async (into) => writeFileSync(join(into, 'x'), '1'));
    let built = false;
    await publishOnce(dir, async () => { built = true; });
    expect(built).toBe(false);
  });

  it('a failed build publishes nothing and leaves nothing', async () => {
    const root = tempDir('publish-fail');
    const dir = join(root, 'pack');
    await expect(publishOnce(dir, async (into) => { writeFileSync(join(into, 'x'), '1'); throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(readdirSync(root)).toEqual([]);
  });

  it('two processes unpacking at once publish one folder', async () => {
    const root = tempDir('publish-procs');
    const dir = join(root, 'pack');
    const script = join(root, 'child.mjs');
    const mod = new URL('../e2e/browser.ts', import.meta.url).href;
    writeFileSync(script, `const { publishOnce } = await import(${JSON.stringify(mod)});
const { writeFileSync } = await import('node:fs');
const { join } = await import('node:path');
const out = await publishOnce(process.argv[2], async (into) => {
  for (let i = 0; i < 200; i++) writeFileSync(join(into, 'f' + i), String(process.pid));
});
process.send(out);`);
    const child = () => new Promise<string>((resolve, reject) => {
      const c = fork(script, [dir], { execArgv: ['--import', 'tsx'] });
      c.on('message', (m) => resolve(String(m)));
      c.on('exit', (code) => code !== 0 && reject(new Error(`child exited ${code}`)));
    });
    expect(await Promise.all([child(), child()])).toEqual([dir, dir]);
    const files = readdirSync(dir).filter((f) => f.startsWith('f'));
    expect(files.length).toBe(200);
    // One process's files only: the folders were never mixed.
    expect(new Set(files.map((f) => readFileSync(join(dir, f), 'utf8'))).size).toBe(1);
    expect(readdirSync(root).sort()).toEqual(['child.mjs', 'pack']);
  });
});
