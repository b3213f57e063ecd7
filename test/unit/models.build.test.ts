// The test-model builders: deterministic bytes, rebuilt only when changed, and a GGUF that an
// independent reader (node-llama-cpp's pure-JS GGUF parser) reads as the model we meant to write.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { buildTestModels } from '../helpers/testModels.js';
import { tempDir } from '../helpers/tmp.js';
import { serializeGguf } from '../../main/models/tiny/ggufWriter.js';

describe('buildTestModels', () => {
  it('writes the same bytes every time, into any folder', async () => {
    const a = await buildTestModels(tempDir('models-build'));
    const b = await buildTestModels(tempDir('models-build'));
    expect(readFileSync(a.gguf).equals(readFileSync(b.gguf))).toBe(true);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      expect(readFileSync(join(a.embedderDir, file)).equals(readFileSync(join(b.embedderDir, file)))).toBe(true);
    }
    expect(statSync(a.gguf).size).toBeGreaterThan(50_000);
    expect(statSync(a.gguf).size).toBeLessThan(200_000);
  });

  it('keeps files that are already right and repairs ones that are not', async () => {
    const dir = tempDir('models-build');
    const { gguf, embedderDir } = await buildTestModels(dir);
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(gguf, old, old);
    const original = readFileSync(join(embedderDir, 'tokenizer.json'));
    writeFileSync(join(embedderDir, 'tokenizer.json'), '{}');
    await buildTestModels(dir);
    expect(statSync(gguf).mtime.getTime()).toBe(old.getTime());
    expect(readFileSync(join(embedderDir, 'tokenizer.json')).equals(original)).toBe(true);
  });
});

describe('the tiny GGUF', () => {
  it('reads back as a 1-layer, 32-wide llama with a byte vocabulary and aligned F32 tensors', async () => {
    const { gguf } = await buildTestModels(tempDir('models-build'));
    const info = await readGgufFileInfo(gguf, { sourceType: 'filesystem', readTensorInfo: true });
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.architectureMetadata.embedding_length).toBe(32);
    expect(info.architectureMetadata.block_count).toBe(1);
    expect(info.architectureMetadata.attention?.head_count).toBe(4);
    const tokens = info.metadata.tokenizer.ggml.tokens as string[];
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokens).toContain('<0xFF>');
    expect(tokens).toHaveLength(260);
    const tensors = info.tensorInfo!;
    expect(tensors.map((t) => t.name)).toEqual([
      'token_embd.weight', 'blk.0.attn_norm.weight', 'blk.0.attn_q.weight', 'blk.0.attn_k.weight',
      'blk.0.attn_v.weight', 'blk.0.attn_output.weight', 'blk.0.ffn_norm.weight', 'blk.0.ffn_gate.weight',
      'blk.0.ffn_up.weight', 'blk.0.ffn_down.weight', 'output_norm.weight', 'output.weight',
    ]);
    expect(tensors.find((t) => t.name === 'token_embd.weight')!.dimensions.map(Number)).toEqual([32, 260]);
    for (const t of tensors) {
      expect(t.ggmlType).toBe(0); // F32
      expect(Number(t.fileOffset) % 32).toBe(0);
    }
    // the last tensor ends exactly at the end of the file (260 x 32 floats = 33 280 bytes, aligned)
    const last = tensors[tensors.length - 1];
    expect(Number(last.fileOffset) + 260 * 32 * 4).toBe(statSync(gguf).size);
  });

  it('refuses a tensor whose data does not match its dimensions', () => {
    expect(() => serializeGguf([], [{ name: 'bad', dims: [2, 3], data: new Float32Array(5) }])).toThrow(/bad/);
  });
});
