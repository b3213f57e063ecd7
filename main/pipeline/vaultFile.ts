// Where a run's raw input lives. Runs record the vault copy relative to the workspace, so a
// workspace that was copied or moved still finds its own vault, never the original's. Runs
// recorded with an absolute path are resolved to the vault file of the same name (vault files
// are named by their SHA-256) inside this workspace.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { WorkspacePaths } from '../store/workspace.js';

export function storedVaultPath(ws: WorkspacePaths, vaultPath: string): string {
  return relative(ws.root, vaultPath);
}

export function vaultFileOf(ws: WorkspacePaths, stored: string): string {
  return isAbsolute(stored) ? resolve(ws.vault, basename(stored)) : resolve(ws.root, stored);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
