// Reads a zip archive into memory with hard limits checked while inflating, never after: a zip
// bomb (a few MB that inflate to many GB) is refused after at most the limit plus one chunk has
// been inflated, so verification stays fast and its memory bounded whatever the archive claims.
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

/** A bundle is a dozen files; its audit log can be large (a cell change is a few hundred bytes),
 *  its other files are small. A bigger bundle is verified from its folder, not its archive. */
export const BUNDLE_ZIP_LIMITS: ZipLimits = { maxEntries: 64, maxEntryBytes: 256 << 20, maxTotalBytes: 256 << 20 };

export class ZipLimitError extends Error {}

/** Compressed input is fed in small chunks, so one step can inflate at most ~1000 x this. */
const FEED = 16 * 1024;

export function readZipBounded(bytes: Uint8Array, limits: ZipLimits = BUNDLE_ZIP_LIMITS): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let entries = 0;
  let total = 0;
  let failure: Error | null = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    entries += 1;
    if (entries > limits.maxEntries) {
      failure = new ZipLimitError(`holds more than ${limits.maxEntries} entries; a bundle has a dozen files`);
      return;
    }
    if (file.originalSize !== undefined && file.originalSize > limits.maxEntryBytes) {
      failure = new ZipLimitError(`entry ${file.name} declares ${file.originalSize} bytes, over the limit of ${limits.maxEntryBytes}`);
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = err;
        return;
      }
      size += data.length;
      total += data.length;
      if (size > limits.maxEntryBytes) failure = new ZipLimitError(`entry ${file.name} inflates to more than ${limits.maxEntryBytes} bytes`);
      else if (total > limits.maxTotalBytes) failure = new ZipLimitError(`inflates to more than ${limits.maxTotalBytes} bytes in all`);
      if (failure) {
        file.terminate();
        chunks.length = 0;
        return;
      }
      chunks.push(data);
      if (final) out.set(file.name, concat(chunks, size));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  for (let at = 0; at < bytes.length && !failure; at += FEED) {
    unzip.push(bytes.subarray(at, Math.min(bytes.length, at + FEED)), at + FEED >= bytes.length);
  }
  if (failure) throw failure;
  return out;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
