// The last measured generation speed of each GGUF, kept beside the models in
// `<modelsDir>/.airlock-speed.json` and keyed by the file's SHA-256 (a renamed file keeps its
// figure, a changed file loses it):
//   { "<sha256>": { "tokensPerSecond": 41.2, "threads": 2, "measuredAt": "2026-12-02T16:00:00Z" } }
// The Models screen only reads it; a measurement (bench:model) writes it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPEED_FILE = '.airlock-speed.json';

export interface ModelSpeed {
  tokensPerSecond: number;
  threads: number;
  measuredAt: string;
}

export type SpeedFile = Record<string, ModelSpeed>;

function isSpeed(v: unknown): v is ModelSpeed {
  const s = v as ModelSpeed;
  return typeof s === 'object' && s !== null && Number.isFinite(s.tokensPerSecond) && s.tokensPerSecond > 0
    && Number.isInteger(s.threads) && s.threads > 0 && typeof s.measuredAt === 'string';
}

/**
 * The speeds recorded in `modelsDir`, with a problem to show when the file exists but cannot be
 * used (entries that do not have the shape above are left out and named).
 */
export function readSpeeds(modelsDir: string): { speeds: SpeedFile; problem: string | null } {
  const path = join(modelsDir, SPEED_FILE);
  if (!existsSync(path)) return { speeds: {}, problem: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { speeds: {}, problem: `${path} is not valid JSON (${(e as Error).message}); speeds are not shown.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { speeds: {}, problem: `${path} is not a JSON object keyed by SHA-256; speeds are not shown.` };
  const speeds: SpeedFile = {};
  const bad: string[] = [];
  for (const [sha, v] of Object.entries(parsed)) {
    if (isSpeed(v)) speeds[sha] = { tokensPerSecond: v.tokensPerSecond, threads: v.threads, measuredAt: v.measuredAt };
    else bad.push(sha);
  }
  return { speeds, problem: bad.length ? `${path}: entries ${bad.join(', ')} lack tokensPerSecond, threads or measuredAt; they are not shown.` : null };
}
