// Structural check of a GGUF file before node-llama-cpp sees it
// (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). llama.cpp trusts the counts in
// the header: a file that says "GGUF v3" followed by garbage made it allocate gigabytes and run
// for minutes. Here every count and length is checked against the bytes that are actually left
// in the file, every key/value is parsed, every tensor's data must lie inside the file, and the
// first inconsistency is one clear error. Reads are bounded: nothing is allocated from a count.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class GgufFormatError extends Error {}

const MAX_DIMS = 4;
const MAX_KEY_BYTES = 65_535;
/** A kept string value (a chat template is a few KB); longer ones are refused, not allocated. */
const MAX_KEPT_VALUE_BYTES = 1 << 20;
/** Metadata worth showing a person: what the model is and how it expects to be prompted. */
const KEPT_KEYS = new Set(['general.architecture', 'general.name', 'general.size_label', 'general.file_type', 'tokenizer.chat_template']);
const isKept = (key: string) => KEPT_KEYS.has(key) || key.endsWith('.context_length');
/** Bytes per block and elements per block of the ggml tensor types (ggml.c type_traits). */
const TYPE_SIZE: Record<number, [number, number]> = {
  0: [4, 1], 1: [2, 1], 2: [18, 32], 3: [20, 32], 6: [22, 32], 7: [24, 32], 8: [34, 32], 9: [36, 32],
  10: [84, 256], 11: [110, 256], 12: [144, 256], 13: [176, 256], 14: [210, 256], 15: [292, 256],
  16: [66, 256], 17: [74, 256], 18: [98, 256], 19: [50, 256], 20: [18, 32], 21: [110, 256], 22: [82, 256],
  23: [136, 256], 24: [1, 1], 25: [2, 1], 26: [4, 1], 27: [8, 1], 28: [8, 1], 29: [56, 256], 30: [2, 1],
  34: [54, 256], 35: [66, 256], 39: [17, 32],
};
/** Sizes of the fixed-size metadata value types (8 = string and 9 = array are read apart). */
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** A forward-only reader over a file descriptor, with a small window buffer. */
class Reader {
  pos = 0;
  private buf = Buffer.alloc(1 << 16);
  private bufStart = 0;
  private bufLen = 0;
  constructor(private fd: number, readonly size: number) {}

  left(): number {
    return this.size - this.pos;
  }

  private bytes(n: number, what: string): Buffer {
    if (n > this.left()) throw new GgufFormatError(`${what} at byte ${this.pos} runs past the end of the file (${this.size} bytes)`);
    if (this.pos < this.bufStart || this.pos + n > this.bufStart + this.bufLen) {
      this.bufStart = this.pos;
      this.bufLen = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
    }
    const out = this.buf.subarray(this.pos - this.bufStart, this.pos - this.bufStart + n);
    this.pos += n;
    return out;
  }

  u32(what: string): number {
    return this.bytes(4, what).readUInt32LE(0);
  }

  u64(what: string): number {
    const v = this.bytes(8, what).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError(`${what} at byte ${this.pos - 8} is ${v}, far beyond the file's size`);
    return Number(v);
  }

  skip(n: number, what: string): void {
    if (n > this.left()) throw new GgufFormatError(`${what} at byte ${this.pos} (${n} bytes) runs past the end of the file (${this.size} bytes)`);
    this.pos += n;
  }

  string(what: string, keep = false, max = MAX_KEY_BYTES): string {
    const n = this.u64(`${what} length`);
    if (!keep) {
      this.skip(n, what);
      return '';
    }
    if (n > max) throw new GgufFormatError(`${what} at byte ${this.pos - 8} is ${n} bytes long`);
    return this.bytes(n, what).toString('utf8');
  }
}

function readValue(r: Reader, type: number, what: string, depth = 0, keep = false): number | string | null {
  if (type in SCALAR_SIZE) {
    if (type === 4) return r.u32(what);
    if (type === 10 && keep) return r.u64(what);
    r.skip(SCALAR_SIZE[type], what);
    return null;
  }
  if (type === 8) {
    if (keep) return r.string(what, true, MAX_KEPT_VALUE_BYTES);
    r.string(what);
    return null;
  }
  if (type === 9) {
    if (depth > 2) throw new GgufFormatError(`${what}: arrays nested too deeply`);
    const elem = r.u32(`${what} element type`);
    const count = r.u64(`${what} element count`);
    if (elem in SCALAR_SIZE) {
      r.skip(count * SCALAR_SIZE[elem], `${what} (${count} elements)`);
      return null;
    }
    if (elem !== 8 && elem !== 9) throw new GgufFormatError(`${what}: unknown array element type ${elem}`);
    // Every string or array element takes at least 8 bytes (its length): a count the file cannot hold is refused at once.
    if (count * 8 > r.left()) throw new GgufFormatError(`${what}: ${count} elements cannot fit in the ${r.left()} bytes left`);
    for (let i = 0; i < count; i++) readValue(r, elem, `${what}[${i}]`, depth + 1);
    return null;
  }
  throw new GgufFormatError(`${what}: unknown value type ${type}`);
}

export interface GgufSummary {
  version: number;
  tensors: number;
  keys: number;
  /** the kept keys (architecture, name, size label, file type, chat template, context length) */
  metadata: Record<string, string | number>;
  /** weights in all tensors, counted from their shapes */
  parameters: number;
}

/** Throws GgufFormatError naming the first inconsistency of the GGUF file at `path`. */
export function validateGgufFile(path: string): GgufSummary {
  const fd = openSync(path, 'r');
  try {
    const r = new Reader(fd, fstatSync(fd).size);
    if (r.size < 24) throw new GgufFormatError(`the file is ${r.size} bytes, too short for a GGUF header`);
    const magic = r.u32('magic');
    if (magic !== 0x46554747) throw new GgufFormatError('it does not start with "GGUF"');
    const version = r.u32('version');
    if (version !== 2 && version !== 3) throw new GgufFormatError(`GGUF version ${version} is not supported (2 or 3)`);
    const tensors = r.u64('tensor count');
    const keys = r.u64('metadata key count');
    // A key/value takes at least 13 bytes, a tensor description at least 28: counts must fit.
    if (keys * 13 + tensors * 28 > r.left()) {
      throw new GgufFormatError(`the header announces ${keys} metadata keys and ${tensors} tensors, which cannot fit in a ${r.size}-byte file`);
    }
    let alignment = 32;
    const metadata: Record<string, string | number> = {};
    for (let k = 0; k < keys; k++) {
      const key = r.string(`metadata key ${k + 1}`, true);
      const type = r.u32(`type of ${key || `key ${k + 1}`}`);
      const v = readValue(r, type, `value of ${key || `key ${k + 1}`}`, 0, isKept(key));
      if (key === 'general.alignment') {
        if (typeof v !== 'number' || v === 0 || (v & (v - 1)) !== 0) throw new GgufFormatError('general.alignment is not a power of two');
        alignment = v;
      }
      if (v !== null && isKept(key)) metadata[key] = v;
    }
    let parameters = 0;
    const ends: number[] = [];
    for (let t = 0; t < tensors; t++) {
      r.string(`tensor ${t + 1} name`);
      const nDims = r.u32(`tensor ${t + 1} dimension count`);
      if (nDims < 1 || nDims > MAX_DIMS) throw new GgufFormatError(`tensor ${t + 1} has ${nDims} dimensions (1 to ${MAX_DIMS})`);
      let elements = 1;
      for (let d = 0; d < nDims; d++) {
        const n = r.u64(`tensor ${t + 1} dimension ${d + 1}`);
        if (n < 1) throw new GgufFormatError(`tensor ${t + 1} has an empty dimension`);
        elements *= n;
        if (elements > r.size * 8) throw new GgufFormatError(`tensor ${t + 1} has ${elements} elements, more than the file can hold`);
      }
      parameters += elements;
      const type = r.u32(`tensor ${t + 1} type`);
      const offset = r.u64(`tensor ${t + 1} offset`);
      if (offset % alignment !== 0) throw new GgufFormatError(`tensor ${t + 1} data offset ${offset} is not aligned to ${alignment}`);
      const ts = TYPE_SIZE[type];
      if (!ts && type > 63) throw new GgufFormatError(`tensor ${t + 1} has unknown type ${type}`);
      ends.push(offset + (ts ? Math.ceil(elements / ts[1]) * ts[0] : 0));
    }
    const dataStart = Math.ceil(r.pos / alignment) * alignment;
    const end = dataStart + Math.max(0, ...ends);
    if (end > r.size) throw new GgufFormatError(`its tensor data needs ${end} bytes but the file has ${r.size} (truncated?)`);
    return { version, tensors, keys, metadata, parameters };
  } finally {
    closeSync(fd);
  }
}

/** What a person wants to know about a GGUF, from its header alone (no weights are loaded). */
export interface GgufHeaderInfo {
  architecture: string | null;
  name: string | null;
  sizeLabel: string | null;
  parameters: number;
  contextLength: number | null;
  /** the Jinja chat template the file carries (tokenizer.chat_template), or null */
  chatTemplate: string | null;
}

/** Reads and checks the header of the GGUF at `path`; throws GgufFormatError like validateGgufFile. */
export function ggufHeaderInfo(path: string): GgufHeaderInfo {
  const { metadata, parameters } = validateGgufFile(path);
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : null);
  const architecture = text('general.architecture');
  const ctx = architecture ? metadata[`${architecture}.context_length`] : undefined;
  return {
    architecture,
    name: text('general.name'),
    sizeLabel: text('general.size_label'),
    parameters,
    contextLength: typeof ctx === 'number' ? ctx : null,
    chatTemplate: text('tokenizer.chat_template'),
  };
}
