// A quarantined row's bytes as they arrived: read from the run's vault copy at the span the
// record scanner recorded (offset and length, without the line ending). The quarantine keeps the
// span, never a second copy, so the bytes shown are the file's own however the row was changed.
import { closeSync, openSync, readSync } from 'node:fs';
import type { QuarantineRowDetail } from '../contract.js';

/** More than this is shown cut (a record can be hundreds of megabytes). */
export const RAW_SHOW_BYTES = 1 << 20;

export interface RawSpan {
  offset: number | null;
  length: number | null;
  line: number | null;
}

export function readRawRecord(vaultFile: string | null, span: RawSpan): QuarantineRowDetail['raw'] {
  const { offset, length, line } = span;
  if (offset === null || length === null) {
    return { text: null, base64: null, line, offset, length, ending: null, note: 'This input has no byte span for its rows (a Parquet file has no lines); the values as they arrived are shown instead.' };
  }
  if (!vaultFile) return { text: null, base64: null, line, offset, length, ending: null, note: 'The run records no vault copy of its input.' };
  const shown = Math.min(length, RAW_SHOW_BYTES);
  // Two bytes past the record tell its line ending (CRLF, LF, or a lone CR).
  const buf = Buffer.alloc(shown + 2);
  let fd: number;
  try {
    fd = openSync(vaultFile, 'r');
  } catch {
    return { text: null, base64: null, line, offset, length, ending: null, note: `The vault copy ${vaultFile} is missing: the workspace was altered.` };
  }
  let got: number;
  try {
    got = readSync(fd, buf, 0, shown === length ? shown + 2 : shown, offset);
  } finally {
    closeSync(fd);
  }
  const bytes = buf.subarray(0, Math.min(got, shown));
  const after = shown === length ? buf.subarray(shown, got) : null;
  const ending = after === null ? null : after[0] === 0x0d ? (after[1] === 0x0a ? 'CRLF' : 'CR') : after[0] === 0x0a ? 'LF' : 'none';
  const note = bytes.length < length ? `The record is ${length.toLocaleString('en-US')} bytes; the first ${bytes.length.toLocaleString('en-US')} are shown. All of it is in the vault at byte ${offset}.` : null;
  return { text: bytes.toString('utf8'), base64: bytes.toString('base64'), line, offset, length, ending, note };
}
