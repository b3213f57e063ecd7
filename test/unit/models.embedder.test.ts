// The embedder against the tiny character-level ONNX model built from code: unit vectors of the
// model's size, similar strings closer than dissimilar ones, clear errors for a bad folder.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressAttempts } from '../../main/net/egressGuard.js';
import { Embedder, findDefaultEmbedder, ModelLoadError } from '../../main/models/embedder.js';
import { mergeBySimilarity } from '../../main/models/neighbours.js';
import { TINY_EMBEDDER_DIM } from '../../main/models/tiny/tinyEmbedder.js';
import { testModels } from '../helpers/testModels.js';
import { tempDir } from '../helpers/tmp.js';

let embedderDir: string;
let embedder: Embedder;

beforeAll(async () => {
  ({ embedderDir } = await testModels());
  embedder = await Embedder.load(embedderDir);
});

afterAll(async () => {
  await embedder?.dispose();
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('Embedder', () => {
  it('returns one unit vector of the model\'s size per text, in order', async () => {
    const texts = ['12.0 oz', '', 'N/A', 'ünïcödé 漢字', 'x'.repeat(2000)];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(TINY_EMBEDDER_DIM);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    // the same text alone or in a batch gets the same vector
    const [alone] = await embedder.embed(['N/A']);
    expect(dot(alone, vectors[2])).toBeCloseTo(1, 5);
  });

  it('embeds more texts than one batch', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `value ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(70);
    const [last] = await embedder.embed(['value 69']);
    expect(dot(last, vectors[69])).toBeCloseTo(1, 5);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('places similar strings closer than dissimilar ones', async () => {
    const [a, b, na] = await embedder.embed(['12.0 oz', '16.0 oz', 'N/A']);
    expect(dot(a, b)).toBeGreaterThan(0.8);
    expect(dot(a, b)).toBeGreaterThan(dot(a, na) + 0.3);
    expect(dot(b, na)).toBeLessThan(0.6);
  });

  it('feeds mergeBySimilarity: look-alike values merge, others stay apart', async () => {
    const values = ['12.0 oz', '16.0 oz', '8.0 oz', 'N/A', 'NA', '2021-03-04', '2021/03/05', 'unknown'];
    // '8.0 oz' joins through '16.0 oz'; 'unknown' is nearest to 'NA' (0.72) but below the bar
    expect(mergeBySimilarity(await embedder.embed(values), 0.78)).toEqual([0, 0, 0, 1, 1, 2, 2, 3]);
  });

  it('reports the folder, its files with SHA-256 and the runtime', () => {
    expect(embedder.info.dir).toBe(embedderDir);
    expect(embedder.info.dim).toBe(TINY_EMBEDDER_DIM);
    const onnx = embedder.info.files.find((f) => f.path === join('onnx', 'model.onnx'));
    const bytes = readFileSync(join(embedderDir, 'onnx', 'model.onnx'));
    expect(onnx).toEqual({
      path: join('onnx', 'model.onnx'), fileName: 'model.onnx', sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(embedder.info.files.map((f) => f.path)).toContain('tokenizer_config.json');
    expect(embedder.info.runtime.onnxruntime).toMatch(/^\d+\.\d+/);
    expect(embedder.info.runtime.transformers).toMatch(/^4\./);
  });

  it('never reached for the network while loading and embedding', () => {
    expect(egressAttempts()).toEqual([]);
  });
});

describe('Embedder.load errors', () => {
  const expectLoadError = async (dir: string, message: RegExp) => {
    const error = await Embedder.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).path).toBe(dir);
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('native-models/');
  };

  it('names a missing folder', async () => {
    await expectLoadError(join(tempDir('models-embedder'), 'all-MiniLM-L6-v2'), /not found/);
  });

  it('names the missing file of an incomplete folder', async () => {
    const dir = join(tempDir('models-embedder'), 'incomplete');
    cpSync(embedderDir, dir, { recursive: true });
    rmSync(join(dir, 'tokenizer_config.json'));
    await expectLoadError(dir, /has no tokenizer_config\.json/);
  });

  it('names a folder whose model file is not ONNX', async () => {
    const dir = join(tempDir('models-embedder'), 'broken');
    cpSync(embedderDir, dir, { recursive: true });
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
    await expectLoadError(dir, /Could not load the embedding model/);
  });
});

describe('findDefaultEmbedder', () => {
  it('finds the first subfolder holding config.json and onnx/model.onnx, or null', () => {
    const root = tempDir('models-embedder');
    expect(findDefaultEmbedder(root)).toBeNull();
    expect(findDefaultEmbedder(join(root, 'nope'))).toBeNull();
    mkdirSync(join(root, 'a-not-a-model'));
    writeFileSync(join(root, 'a-not-a-model', 'config.json'), '{}');
    cpSync(embedderDir, join(root, 'minilm'), { recursive: true });
    cpSync(embedderDir, join(root, 'zz-other'), { recursive: true });
    expect(findDefaultEmbedder(root)).toBe(join(root, 'minilm'));
  });
});
