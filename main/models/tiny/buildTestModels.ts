// Builds the tiny test models (a random-weight llama GGUF and a character-level ONNX embedder)
// from code: no network, no Python, no weights in git. Files are rewritten only when their bytes
// differ, and each is written to a temporary name then renamed, so test workers building the same
// folder at the same time never read a half-written model.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tinyLlamaGguf } from './tinyLlamaGguf.js';
import { tinyEmbedderFiles } from './tinyEmbedder.js';

export const TINY_GGUF_NAME = 'tiny-llama.gguf';
export const TINY_EMBEDDER_NAME = 'tiny-embedder';

function writeIfChanged(path: string, bytes: Buffer): void {
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export async function buildTestModels(dir: string): Promise<{ gguf: string; embedderDir: string }> {
  const root = resolve(dir);
  const gguf = join(root, TINY_GGUF_NAME);
  const embedderDir = join(root, TINY_EMBEDDER_NAME);
  writeIfChanged(gguf, tinyLlamaGguf());
  for (const [file, bytes] of Object.entries(tinyEmbedderFiles())) writeIfChanged(join(embedderDir, file), bytes);
  return { gguf, embedderDir };
}
