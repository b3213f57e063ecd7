// A file's header names that the contract does not know may be data: a headerless file's first
// record is read as its header, so its "names" are a person's name and e-mail. Before a drift halt
// is audited, summarised or shown, such names become keyed tokens (recorded in the workspace, so
// they can still be resolved there). A name is taken for data when the header is mostly unknown to
// the contract (the likely headerless or wrong file), or when the name itself looks like a value
// (an e-mail, a phone, a number); a renamed or added column of a real header stays readable.
import type { Contract } from '../contract/types.js';
import { detectPiiKind, type PiiProtector } from './pii.js';

export interface ProtectedHeader {
  header: string[];
  /** how many of the file's names the contract does not know */
  unknown: number;
}

const looksLikeValue = (h: string): boolean => detectPiiKind(h) !== null || h.includes('@') || /^[\d\s.,:;+/()-]+$/.test(h);

export function protectHeaderNames(pii: PiiProtector, contract: Contract, header: string[]): ProtectedHeader {
  const known = new Set(contract.columns.map((c) => c.name.toLowerCase()));
  const unknown = header.filter((h) => !known.has(h.toLowerCase())).length;
  const mostlyUnknown = unknown * 2 > header.length;
  const out = header.map((h) => {
    if (known.has(h.toLowerCase())) return h;
    return mostlyUnknown || looksLikeValue(h) ? pii.token(h, detectPiiKind(h) ?? 'other') : h;
  });
  return { header: out, unknown };
}
