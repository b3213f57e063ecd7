// Writing a model's measured generation speed beside the models, in the file the status screen
// reads (main/models/speedFile.ts: `<modelsDir>/.airlock-speed.json`, keyed by SHA-256, so a
// renamed file keeps its figure). Written by `npm run bench:model` (the speed probe).
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSpeeds, SPEED_FILE, type ModelSpeed } from './speedFile.js';

/** Adds (or replaces) one model's figure; written whole to a temporary file, then renamed. */
export function writeSpeed(modelsDir: string, sha256: string, entry: ModelSpeed): string {
  // a damaged record is only a lost measurement: its usable entries are kept, the rest measured again
  const record = { ...readSpeeds(modelsDir).speeds, [sha256]: entry };
  const path = join(modelsDir, SPEED_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
