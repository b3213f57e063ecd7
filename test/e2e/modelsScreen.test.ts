// The Models screen with the real small models (npm run models:fetch, linked into a models folder
// as --link does): the GGUF a run uses with its size, SHA-256, header facts, chat template and
// last measured speed; the folder's other GGUF; the embedder's files; and install instructions in
// words, never shell commands. Then an empty folder, filled while the screen is open and found by
// "Check again". Screenshots go to test/e2e/artifacts/ (90-92).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEED_FILE } from '../../main/models/speedFile.js';
import { GEMMA3, SMOLLM2 } from '../../scripts/models/pins.js';
import { ensureRealModels, REAL_MODELS_TIMEOUT } from '../helpers/realModels.js';
import { tempDir } from '../helpers/tmp.js';
import { launchApp, type AppHarness } from './harness.js';
import { ModelsPage } from './pages/ModelsPage.js';

let app: AppHarness;
let empty: AppHarness;
let dir: string;
let paths: Awaited<ReturnType<typeof ensureRealModels>>;
const SPEED = { tokensPerSecond: 57.3, threads: 2, measuredAt: '2026-12-02T16:00:00.000Z' };

beforeAll(async () => {
  paths = await ensureRealModels();
  dir = tempDir('e2e-models');
  const modelsDir = join(dir, 'models');
  mkdirSync(modelsDir);
  symlinkSync(paths.smollm2, join(modelsDir, SMOLLM2.file));
  symlinkSync(paths.gemma3, join(modelsDir, GEMMA3.file));
  symlinkSync(paths.embedderDir, join(modelsDir, 'all-MiniLM-L6-v2'), 'dir');
  writeFileSync(join(modelsDir, SPEED_FILE), JSON.stringify({ [SMOLLM2.sha256]: SPEED }));
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir });
}, REAL_MODELS_TIMEOUT);

afterAll(async () => {
  await empty?.close();
  await app?.close();
});

const SHELL_WORDS = ['cp ', 'Copy-Item', 'sha256sum', 'Get-FileHash', '$USER', 'npm '];

describe('the Models screen with the real small models', () => {
  it('shows the GGUF a run uses: file, size, SHA-256, what it is, its chat template and speed', async () => {
    const models = new ModelsPage(app.page);
    await models.open('models');
    // Hashing 440 MB of models the first time takes seconds.
    await expect.poll(() => models.llm().innerText(), { timeout: 60_000 }).toContain(SMOLLM2.sha256);
    const llm = await models.llm().innerText();
    expect(llm).toContain(SMOLLM2.file);
    expect(llm).toContain('94 MB'); // 98,362,432 bytes
    expect(llm).toContain('llama architecture');
    expect(llm).toContain('134.5 M parameters');
    expect(llm).toContain('8,192 tokens');
    expect(await models.template().innerText()).toContain('<|im_start|>');
    expect(await models.speed().innerText()).toContain('57.3 tokens/s');
    expect(await models.speed().innerText()).toContain('2 threads');
    await models.screenshot('90-models-real');
  });

  it('lists the other GGUF as not used, with no speed measured and no chat template in the file', async () => {
    const others = await new ModelsPage(app.page).others().innerText();
    expect(others).toContain(GEMMA3.file);
    expect(others).toContain(GEMMA3.sha256);
    expect(others).toContain('gemma3 architecture');
    expect(others).toContain('not measured yet');
    expect(others).toMatch(/Chat template[\s\S]*none/i);
  });

  it('shows the embedder folder and says how to install a model in words, without shell commands', async () => {
    const models = new ModelsPage(app.page);
    const embedder = await models.embedder().innerText();
    expect(embedder).toContain('all-MiniLM-L6-v2');
    expect(embedder).toContain('onnx/model.onnx');
    const install = await models.install().innerText();
    expect(install).toContain(join(dir, 'models'));
    expect(install).toContain('file manager');
    expect(install).toContain('Check again');
    for (const word of SHELL_WORDS) expect(install).not.toContain(word);
    expect(await models.install().locator('pre').count()).toBe(0);
    await models.page.locator('.usb').scrollIntoViewIfNeeded();
    await models.screenshot('91-models-real-install');
  });

  it('with an empty folder says what is missing; a GGUF copied in is found by "Check again"', async () => {
    const modelsDir = join(dir, 'empty-models');
    mkdirSync(modelsDir);
    empty = await launchApp({ workspace: join(dir, 'ws-empty'), modelsDir, browser: app.browser });
    const models = new ModelsPage(empty.page);
    await models.open('models');
    await expect.poll(() => models.llm().innerText(), { timeout: 60_000 }).toContain('not installed');
    expect(await models.embedder().innerText()).toContain('not installed');
    const install = await models.install().innerText();
    for (const word of SHELL_WORDS) expect(install).not.toContain(word);
    await models.screenshot('92-models-empty');
    // The base Gemma alone: the screen says its file carries no chat template, and it was never measured.
    symlinkSync(paths.gemma3, join(modelsDir, GEMMA3.file));
    await models.checkAgain();
    await expect.poll(() => models.llm().innerText(), { timeout: 60_000 }).toContain(GEMMA3.sha256);
    expect(await models.template().innerText()).toContain('none in the file');
    expect(await models.speed().innerText()).toBe('not measured yet');
    await models.screenshot('93-models-gemma-no-template');
  });

  it('made no request outside the app', () => {
    expect(app.outside).toEqual([]);
    expect(empty.outside).toEqual([]);
    expect(app.problems).toEqual([]);
    expect(empty.problems).toEqual([]);
  });
});
