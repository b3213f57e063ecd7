// `npm run models:test`: writes the tiny test models (random-weight llama GGUF, character-level
// ONNX embedder) into test/fixtures/models/, or into the folder given as the first argument.
// Everything is generated from code: nothing is downloaded and no Python is needed.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTestModels } from '../main/models/tiny/buildTestModels.js';

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..', 'test', 'fixtures', 'models'));
const { gguf, embedderDir } = await buildTestModels(dir);
console.log(`language model: ${gguf} (${statSync(gguf).size} bytes)`);
console.log(`embedder:       ${embedderDir}`);
