// The reference tables shipped in resources/reference, loaded once per process (they are ours and small).
import { resolve } from 'node:path';
import { loadReferenceTables, type ReferenceTables } from './reference.js';

const RESOURCES = resolve(import.meta.dirname, '..', '..', 'resources');
let cache: ReferenceTables | null = null;

export function referenceTables(): ReferenceTables {
  cache ??= loadReferenceTables(RESOURCES);
  return cache;
}
