// Finding and fingerprinting model files on disk. The SHA-256 goes into the audit trail, so a
// reviewer can tell exactly which weights proposed a fix.
import { ModelLoadError, EMBEDDER_HINT, GGUF_HINT } from './modelLoadError.js';
import { GgufFormatError, validateGgufFile } from './ggufHeader.js';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface ModelFileInfo {
  fileName: string;
  sizeBytes: number;
  sha256: string;
}

/** Size and SHA-256 of a file, hashed as a stream (GGUF files are gigabytes). */
export async function inspectModelFile(path: string): Promise<ModelFileInfo> {
  const sizeBytes = statSync(path).size;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { fileName: basename(path), sizeBytes, sha256: hash.digest('hex') };
}

/** Every `*.gguf` file in `dir` (a link to one counts), sorted by name. */
export function listGgufFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.gguf')).sort()
    .map((name) => resolve(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
}

/** The first `*.gguf` file in `dir` (sorted by name), or null when there is none. */
export function findDefaultModel(dir: string): string | null {
  return listGgufFiles(dir)[0] ?? null;
}

/** Files an embedding model folder must hold for transformers.js to load it. */
export const EMBEDDER_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')];

/** The first subfolder of `dir` (sorted by name) holding config.json and onnx/model.onnx, or null. */
export function findDefaultEmbedder(dir: string): string | null {
  if (!existsSync(dir)) return null;
  // statSync follows symlinks: a linked model folder (npm run models:fetch -- --link) counts as a folder.
  for (const name of readdirSync(dir).sort()) {
    const folder = resolve(dir, name);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
    if (existsSync(join(folder, 'config.json')) && existsSync(join(folder, 'onnx', 'model.onnx'))) return folder;
  }
  return null;
}

/** Throws ModelLoadError unless `dir` holds an ONNX embedder folder (checked before a run starts). */
export function checkEmbedderDir(dir: string): void {
  if (!existsSync(dir)) throw new ModelLoadError(dir, `${dir}: no such embedding model folder. ${EMBEDDER_HINT}`);
  const missing = EMBEDDER_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new ModelLoadError(dir, `${dir}: not an embedding model folder (missing ${missing.join(', ')}). ${EMBEDDER_HINT}`);
}

/** Throws ModelLoadError unless `path` is a readable GGUF file (checked before a run starts). */
export function checkGgufFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ModelLoadError(path, `Language model file not found: ${path}. ${GGUF_HINT}`);
  }
  if (!isFile) throw new ModelLoadError(path, `${path} is a folder, not a GGUF model file. ${GGUF_HINT}`);
  const magic = Buffer.alloc(4);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, magic, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new ModelLoadError(path, `Cannot read the language model file ${path} (${(e as NodeJS.ErrnoException).code ?? e}). Check its permissions. ${GGUF_HINT}`, { cause: e });
  }
  if (magic.toString('latin1') !== 'GGUF') {
    throw new ModelLoadError(path, `${path} is not a GGUF model file (it does not start with "GGUF"). ${GGUF_HINT}`);
  }
  // The whole header is checked against the file's size before llama.cpp trusts its counts.
  try {
    validateGgufFile(path);
  } catch (e) {
    if (e instanceof GgufFormatError) throw new ModelLoadError(path, `${path} is not a usable GGUF model file: ${e.message}. ${GGUF_HINT}`, { cause: e });
    throw e;
  }
}
