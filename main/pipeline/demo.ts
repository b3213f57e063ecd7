// The bundled sample that `airlock demo` runs: a made-up customer table and its contract.
import { resolve } from 'node:path';

export function demoPaths(): { file: string; contract: string } {
  const dir = resolve(import.meta.dirname, '..', '..', 'resources', 'sample');
  return { file: resolve(dir, 'customers.csv'), contract: resolve(dir, 'customers.odcs.yaml') };
}
