// Just enough protobuf wire format to write an ONNX ModelProto by hand: varints, length-delimited
// fields and nested messages. A message is built as a list of already-encoded fields.

export type Field = Buffer;

function varint(value: number | bigint): Buffer {
  // Negative int64 values are encoded as their 64-bit two's complement (10 bytes), as protobuf does.
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

const key = (field: number, wireType: 0 | 2) => varint((field << 3) | wireType);

/** A varint field (int32, int64, enum, bool). */
export function intField(field: number, value: number | bigint): Field {
  return Buffer.concat([key(field, 0), varint(value)]);
}

/** A length-delimited field holding raw bytes or an already-encoded message. */
export function bytesField(field: number, value: Uint8Array): Field {
  return Buffer.concat([key(field, 2), varint(value.length), value]);
}

export function stringField(field: number, value: string): Field {
  return bytesField(field, Buffer.from(value, 'utf8'));
}

/** A nested message: its fields concatenated, written length-delimited. */
export function messageField(field: number, fields: Field[]): Field {
  return bytesField(field, Buffer.concat(fields));
}

export function message(fields: Field[]): Buffer {
  return Buffer.concat(fields);
}
