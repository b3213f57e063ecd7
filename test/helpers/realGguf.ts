// The two real GGUF language models the real-model tests load: SmolLM2-135M-Instruct (ChatML) and
// Gemma 3 270M (Gemma template), in the model cache outside the repository
// (`$AIRLOCK_MODEL_CACHE`, default ~/.cache/airlock/models). When they are missing, the fetch
// helper (test/helpers/realModels.ts, `npm run models:fetch`) downloads them first. Never
// skipped: a test that needs a model fails without one.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureRealModels } from './realModels.js';

export const REAL_GGUF_FILES = { smollm2: 'SmolLM2-135M-Instruct.Q4_1.gguf', gemma: 'gemma-3-270m-q4_k_m.gguf' } as const;

export function modelCacheDir(): string {
  return process.env.AIRLOCK_MODEL_CACHE ?? join(homedir(), '.cache', 'airlock', 'models');
}

function inCache(): { smollm2: string; gemma: string } {
  const dir = modelCacheDir();
  return { smollm2: join(dir, REAL_GGUF_FILES.smollm2), gemma: join(dir, REAL_GGUF_FILES.gemma) };
}

/** The paths of both real GGUF files, fetched into the cache first when missing. */
export async function realGguf(): Promise<{ smollm2: string; gemma: string }> {
  const paths = inCache();
  if (existsSync(paths.smollm2) && existsSync(paths.gemma)) return paths;
  const fetched = await ensureRealModels();
  return { smollm2: fetched.smollm2, gemma: fetched.gemma3 };
}
