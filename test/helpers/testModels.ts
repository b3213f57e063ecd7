// The tiny test models, built from code into test/fixtures/models/ (git-ignored) on first use.
import { resolve } from 'node:path';
import { buildTestModels } from '../../main/models/tiny/buildTestModels.js';

export { buildTestModels };

export const TEST_MODELS_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'models');

/** Builds (or reuses) the test models in test/fixtures/models/. */
export function testModels(): Promise<{ gguf: string; embedderDir: string }> {
  return buildTestModels(TEST_MODELS_DIR);
}
