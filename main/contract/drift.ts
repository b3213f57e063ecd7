// Schema drift: how an input file's header differs from the contract's columns. `strict`
// contracts halt on any difference; `additive` ones accept new trailing columns only.
import type { Contract } from './types.js';
import { schemaSignature } from './signature.js';

export interface DriftChange {
  kind: 'added' | 'dropped' | 'renamed' | 'reordered';
  column: string;
  detail: string;
}

export interface DriftReport {
  fileSignature: string;
  contractSignature: string;
  changes: DriftChange[];
  /** true when every change is a new column after all the contract's columns */
  additiveOnly: boolean;
}

export function compareHeader(contract: Contract, header: string[]): DriftReport {
  const byName = new Map(contract.columns.map((c) => [c.name.toLowerCase(), c]));
  const fileSignature = schemaSignature(header.map((h) => ({ name: h, logicalType: byName.get(h.toLowerCase())?.logicalType ?? 'string' })));
  const changes: DriftChange[] = [];
  const inFile = new Set(header.map((h) => h.toLowerCase()));
  const expected = contract.columns.map((c) => c.name);
  const dropped = expected.filter((c) => !inFile.has(c.toLowerCase()));
  const added = header.filter((h) => !byName.has(h.toLowerCase()));
  // A column dropped and another added at the same position reads as a rename.
  for (const d of [...dropped]) {
    const pos = expected.indexOf(d);
    const a = header[pos];
    if (a !== undefined && added.includes(a)) {
      changes.push({ kind: 'renamed', column: d, detail: `column ${pos + 1} is ${JSON.stringify(a)} in the file, ${JSON.stringify(d)} in the contract` });
      dropped.splice(dropped.indexOf(d), 1);
      added.splice(added.indexOf(a), 1);
    }
  }
  for (const d of dropped) changes.push({ kind: 'dropped', column: d, detail: `the contract's column ${JSON.stringify(d)} is not in the file` });
  for (const a of added) changes.push({ kind: 'added', column: a, detail: `the file has a column ${JSON.stringify(a)} the contract does not declare (position ${header.indexOf(a) + 1})` });
  if (changes.length === 0) {
    const order = header.map((h) => h.toLowerCase()).join('\n');
    if (order !== expected.map((c) => c.toLowerCase()).join('\n')) {
      changes.push({ kind: 'reordered', column: '*', detail: `columns are in a different order: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}` });
    }
  }
  const additiveOnly = changes.length > 0 && changes.every((c) => c.kind === 'added')
    && header.slice(0, expected.length).map((h) => h.toLowerCase()).join('\n') === expected.map((c) => c.toLowerCase()).join('\n');
  return { fileSignature, contractSignature: contract.signature, changes, additiveOnly };
}

/** The drift in words: the first few changes, and how many more (a message stays one short line). */
export function describeDrift(report: DriftReport, shown = 5): string {
  const first = report.changes.slice(0, shown).map((c) => (c.detail.length > 160 ? `${c.detail.slice(0, 157)}...` : c.detail));
  const more = report.changes.length - first.length;
  return first.join('; ') + (more > 0 ? `; and ${more} more change${more === 1 ? '' : 's'}` : '');
}
