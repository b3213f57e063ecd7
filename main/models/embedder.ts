// The sentence-embedding model used to merge clusters whose failing values look alike: an ONNX
// model folder (e.g. all-MiniLM-L6-v2) run by transformers.js on onnxruntime-node. Local files
// only: remote models and the download cache are switched off before anything loads.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { EMBEDDER_FILES, inspectModelFile, type ModelFileInfo } from './modelFiles.js';
import { EMBEDDER_HINT, ModelLoadError } from './modelLoadError.js';

export { findDefaultEmbedder } from './modelFiles.js';
export { ModelLoadError } from './modelLoadError.js';

export interface EmbedderInfo {
  dir: string;
  /** length of every vector embed() returns */
  dim: number;
  /** each model file with its path relative to `dir`, size and SHA-256 */
  files: (ModelFileInfo & { path: string })[];
  runtime: { transformers: string; onnxruntime: string };
}

/** Texts per model call: padding goes to the longest text of a batch, so batches stay small. */
const BATCH = 32;

function checkEmbedderFolder(dir: string): void {
  if (!existsSync(dir)) throw new ModelLoadError(dir, `Embedding model folder not found: ${dir}. ${EMBEDDER_HINT}`);
  if (!statSync(dir).isDirectory()) throw new ModelLoadError(dir, `${dir} is a file, not an embedding model folder. ${EMBEDDER_HINT}`);
  for (const file of EMBEDDER_FILES) {
    if (!existsSync(join(dir, file))) throw new ModelLoadError(dir, `Embedding model folder ${dir} has no ${file}. ${EMBEDDER_HINT}`);
  }
}

function useLocalFilesOnly(parentDir: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.localModelPath = parentDir;
}

export class Embedder {
  private constructor(readonly info: EmbedderInfo, private readonly extractor: FeatureExtractionPipeline) {}

  static async load(dir: string): Promise<Embedder> {
    const folder = resolve(dir);
    checkEmbedderFolder(folder);
    useLocalFilesOnly(dirname(folder));
    let extractor: FeatureExtractionPipeline;
    try {
      // An absolute path is not a hub model id, so transformers.js reads the folder as it is.
      extractor = await pipeline('feature-extraction', folder, { local_files_only: true, device: 'cpu', dtype: 'fp32' });
    } catch (e) {
      throw new ModelLoadError(folder, `Could not load the embedding model in ${folder}: ${(e as Error).message}. ${EMBEDDER_HINT}`, { cause: e });
    }
    const files = await Promise.all(
      EMBEDDER_FILES.map(async (path) => ({ path, ...(await inspectModelFile(join(folder, path))) })),
    );
    const onnx = env.backends.onnx as { versions?: Record<string, string> };
    const info: EmbedderInfo = {
      dir: folder,
      dim: 0,
      files,
      runtime: { transformers: env.version, onnxruntime: onnx.versions?.node ?? onnx.versions?.common ?? 'unknown' },
    };
    const embedder = new Embedder(info, extractor);
    // One probe proves the model runs and tells the vector size, before any real work relies on it.
    info.dim = (await embedder.embed(['probe']))[0].length;
    return embedder;
  }

  /** One unit-length vector per text (mean pooling over tokens, then L2 normalisation). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH);
      const tensor = await this.extractor(batch, { pooling: 'mean', normalize: true });
      const [rows, dim] = tensor.dims as [number, number];
      const data = tensor.data as Float32Array;
      for (let r = 0; r < rows; r++) out.push(data.slice(r * dim, (r + 1) * dim));
      tensor.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}
