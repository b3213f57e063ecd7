// The language-model layer against the tiny random-weight GGUF built from code: loading, file
// fingerprint, grammar-bound generation, bounds (time, tokens) and the user-facing load errors.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressAttempts } from '../../main/net/egressGuard.js';
import {
  buildProposalPrompt,
  findDefaultModel,
  inspectModelFile,
  ModelLoadError,
  ProposalModel,
} from '../../main/models/llama.js';
import { PROPOSAL_LIMITS } from '../../main/models/proposalSchema.js';
import { testModels } from '../helpers/testModels.js';
import { tempDir } from '../helpers/tmp.js';

const prompt = buildProposalPrompt({
  column: { name: 'net_weight', logicalType: 'number', pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'weight in ounces' },
  reason: 'pattern: value does not match ^[0-9]+(\\.[0-9]+)?$',
  samples: [{ value: '12.0 oz', count: 14 }, { value: '16.0 oz', count: 3 }, { value: null, count: 1 }],
});

let gguf: string;
let model: ProposalModel;

beforeAll(async () => {
  ({ gguf } = await testModels());
  // byte-level vocabulary: the prompt alone is ~1.5k tokens, so give it room to answer
  model = await ProposalModel.load(gguf, { gpu: false, threads: 1, contextSize: 8192 });
});

afterAll(async () => {
  await model?.dispose();
});

describe('ProposalModel', () => {
  it('reports the file, its size and SHA-256, and the runtime', () => {
    const bytes = readFileSync(gguf);
    expect(model.info.fileName).toBe('tiny-llama.gguf');
    expect(model.info.sizeBytes).toBe(bytes.length);
    expect(model.info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(model.info.gpu).toBe(false);
    expect(model.info.threads).toBe(1);
    expect(model.info.runtime.nodeLlamaCpp).toBe('3.21.1');
    expect(model.info.runtime.llamaCppRelease).toMatch(/\S/);
    expect(model.proposerName).toBe('llm:tiny-llama.gguf');
  });

  it('answers in the proposal shape, bounded, whatever the random weights say', async () => {
    const started = Date.now();
    const { answer: result } = await model.propose(prompt, { maxTokens: 4000, timeoutMs: 60_000 });
    console.log(`one grammar-bound generation, threads 1: ${Date.now() - started} ms`);
    if ('error' in result) throw new Error(`expected a proposal, got: ${result.error}`);
    // no closed set: the grammar allows only an expression
    if (result.kind !== 'expression') throw new Error(`expected an expression, got ${result.kind}`);
    expect(result.expression.length).toBeGreaterThan(0);
    expect([...result.expression].length).toBeLessThanOrEqual(PROPOSAL_LIMITS.expression);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('is deterministic: the same prompt gives the same proposal', async () => {
    const a = await model.propose(prompt, { maxTokens: 4000 });
    const b = await model.propose(prompt, { maxTokens: 4000 });
    expect(b.answer).toEqual(a.answer);
    expect(b.text).toEqual(a.text);
  });

  it('reports an answer cut off by maxTokens as an error, not a proposal', async () => {
    const { answer: result } = await model.propose(prompt, { maxTokens: 5 });
    expect(result).toEqual({ error: expect.stringContaining('maxTokens (5)') });
  });

  it('reports a timeout as an error', async () => {
    const { answer: result } = await model.propose(prompt, { maxTokens: 4000, timeoutMs: 1 });
    expect(result).toEqual({ error: 'timed out after 1 ms' });
  });

  it('refuses a prompt that cannot fit in the context with its answer', async () => {
    const { answer: result } = await model.propose(prompt, { maxTokens: 8000 });
    expect(result).toEqual({ error: expect.stringContaining('prompt too long') });
  });

  it('throws when used after dispose, and disposes only once', async () => {
    const second = await ProposalModel.load(gguf, { gpu: false });
    await second.dispose();
    await second.dispose();
    await expect(second.propose(prompt)).rejects.toThrow(/after dispose/);
  });

  it('never reached for the network while loading and generating', () => {
    expect(egressAttempts()).toEqual([]);
  });
});

describe('ProposalModel.load errors', () => {
  const expectLoadError = async (path: string, message: RegExp) => {
    const error = await ProposalModel.load(path, { gpu: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).path).toBe(path);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('native-models/');
  };

  it('names a missing file', async () => {
    await expectLoadError(join(tempDir('models-llm'), 'absent.gguf'), /not found/);
  });

  it('names a file that is not GGUF', async () => {
    const path = join(tempDir('models-llm'), 'notes.gguf');
    writeFileSync(path, 'these are not model weights');
    await expectLoadError(path, /is not a GGUF model file/);
  });

  it('names a folder given as the model', async () => {
    const path = join(tempDir('models-llm'), 'model.gguf');
    mkdirSync(path);
    await expectLoadError(path, /is a folder/);
  });

  it('refuses a truncated GGUF before llama.cpp reads it, and says it is truncated', async () => {
    const path = join(tempDir('models-llm'), 'truncated.gguf');
    writeFileSync(path, readFileSync(gguf).subarray(0, 60_000));
    await expectLoadError(path, /truncated/);
  });
});

describe('model files', () => {
  it('hashes a file as a stream', async () => {
    const path = join(tempDir('models-llm'), 'blob.bin');
    const bytes = Buffer.alloc(3 * (1 << 20) + 17, 7);
    writeFileSync(path, bytes);
    expect(await inspectModelFile(path)).toEqual({
      fileName: 'blob.bin',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('finds the first GGUF of a folder by name, or null', () => {
    const dir = tempDir('models-llm');
    expect(findDefaultModel(dir)).toBeNull();
    expect(findDefaultModel(join(dir, 'nope'))).toBeNull();
    writeFileSync(join(dir, 'README.md'), '');
    mkdirSync(join(dir, 'a-folder.gguf'));
    expect(findDefaultModel(dir)).toBeNull();
    copyFileSync(gguf, join(dir, 'phi-b.gguf'));
    copyFileSync(gguf, join(dir, 'phi-a.GGUF'));
    expect(findDefaultModel(dir)).toBe(join(dir, 'phi-a.GGUF'));
  });
});
