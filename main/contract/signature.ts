// The schema signature: SHA-256 of `name:logicalType` per column, in order, lower-cased names,
// joined by newlines (../shared/docs/contract.md).
import { createHash } from 'node:crypto';

export function schemaSignature(columns: Array<{ name: string; logicalType: string }>): string {
  const canonical = columns.map((c) => `${c.name.toLowerCase()}:${c.logicalType}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}
