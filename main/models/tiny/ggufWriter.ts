// Serialises a GGUF v3 file (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
// header, typed key/value metadata, tensor infos, then F32 tensor data aligned to 32 bytes.
// Only what the tiny test model needs: scalars, strings, arrays of one type, F32 tensors.

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

const enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}
const GGML_TYPE_F32 = 0;

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension */
  dims: number[];
  data: Float32Array;
}

/** Grows a byte buffer as values are appended, all little-endian. */
class ByteSink {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeUInt32LE(v >>> 0, this.length);
  }
  i32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32LE(v, this.length);
  }
  u64(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeBigUInt64LE(BigInt(v), this.length);
  }
  f32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeFloatLE(v, this.length);
  }
  u8(v: number): void {
    this.reserve(1);
    this.length = this.buf.writeUInt8(v, this.length);
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u32': sink.u32(ValueType.UINT32); sink.u32(v.value); break;
    case 'i32': sink.u32(ValueType.INT32); sink.i32(v.value); break;
    case 'f32': sink.u32(ValueType.FLOAT32); sink.f32(v.value); break;
    case 'bool': sink.u32(ValueType.BOOL); sink.u8(v.value ? 1 : 0); break;
    case 'string': sink.u32(ValueType.STRING); sink.string(v.value); break;
    case 'string[]':
      sink.u32(ValueType.ARRAY); sink.u32(ValueType.STRING); sink.u64(v.value.length);
      for (const s of v.value) sink.string(s);
      break;
    case 'f32[]':
      sink.u32(ValueType.ARRAY); sink.u32(ValueType.FLOAT32); sink.u64(v.value.length);
      for (const x of v.value) sink.f32(x);
      break;
    case 'i32[]':
      sink.u32(ValueType.ARRAY); sink.u32(ValueType.INT32); sink.u64(v.value.length);
      for (const x of v.value) sink.i32(x);
      break;
  }
}

export function serializeGguf(metadata: Array<[string, GgufValue]>, tensors: GgufTensor[]): Buffer {
  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }

  // Offsets are relative to the start of the data section; each tensor starts aligned.
  let offset = 0;
  for (const t of tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) throw new Error(`GGUF tensor ${t.name}: dims ${t.dims} do not match ${t.data.length} values`);
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil((elements * 4) / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }

  sink.padTo(GGUF_ALIGNMENT);
  for (const t of tensors) {
    sink.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    sink.padTo(GGUF_ALIGNMENT);
  }
  return sink.result();
}
