// A file's header names that the contract does not know are untrusted text: a headerless file's
// first record is read as its header, so its "names" are a person's name and e-mail. Before a
// drift halt is audited, summarised or shown, each unknown name becomes a keyed token (recorded
// in the workspace, so that it can still be resolved there); the contract's own names stay.
import type { Contract } from '../contract/types.js';
import { detectPiiKind, type PiiProtector } from './pii.js';

export interface ProtectedHeader {
  header: string[];
  /** how many of the file's names the contract does not know */
  unknown: number;
}

export function protectHeaderNames(pii: PiiProtector, contract: Contract, header: string[]): ProtectedHeader {
  const known = new Set(contract.columns.map((c) => c.name.toLowerCase()));
  let unknown = 0;
  const out = header.map((h) => {
    if (known.has(h.toLowerCase())) return h;
    unknown += 1;
    return pii.token(h, detectPiiKind(h) ?? 'other');
  });
  return { header: out, unknown };
}
