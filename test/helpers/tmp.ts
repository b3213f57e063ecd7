// Scratch folders for tests, under test/.tmp so they stay inside the checkout and are ignored by git.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TEST_TMP = resolve(import.meta.dirname, '..', '.tmp');

export function tempDir(prefix: string): string {
  mkdirSync(TEST_TMP, { recursive: true });
  return mkdtempSync(join(TEST_TMP, `${prefix}-`));
}

/** ../shared beside the checkout: benchmark tables and docs, read-only. */
export const SHARED = resolve(import.meta.dirname, '..', '..', '..', 'shared');
