// The measured generation speed of each model file, kept beside the models as
// `<modelsDir>/.airlock-speed.json`: { "<sha256>": { tokensPerSecond, threads, measuredAt } }.
// Written by `npm run bench:model` (the speed probe), read by the models status screen to say how
// long a proposal will take on this machine. Keyed by content, so a renamed file keeps its figure.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPEED_FILE = '.airlock-speed.json';

export interface SpeedEntry {
  tokensPerSecond: number;
  threads: number;
  measuredAt: string;
}

export function readSpeedRecord(modelsDir: string): Record<string, SpeedEntry> {
  const path = join(modelsDir, SPEED_FILE);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, SpeedEntry>) : {};
  } catch {
    // a damaged record is only a lost measurement: it is measured again
    return {};
  }
}

/** Adds (or replaces) one model's figure; written whole to a temporary file, then renamed. */
export function writeSpeed(modelsDir: string, sha256: string, entry: SpeedEntry): string {
  const record = { ...readSpeedRecord(modelsDir), [sha256]: entry };
  const path = join(modelsDir, SPEED_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
