// The ONNX graph of the tiny test embedder, written as raw protobuf (onnx.proto field numbers).
// last_hidden_state = Gather(table, input_ids) * attention_mask: one fixed vector per token and no
// mixing between tokens, so mean pooling gives the average of the tokens' vectors.
import { bytesField, intField, message, messageField, stringField, type Field } from './protobufWriter.js';

const FLOAT = 1; // TensorProto.DataType
const INT64 = 7;
const ATTR_INT = 2; // AttributeProto.AttributeType

function dims(names: Array<string | number>): Field[] {
  // TensorShapeProto.dim: dim_value (1) for fixed sizes, dim_param (2) for symbolic ones
  return names.map((d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]));
}

function valueInfo(name: string, elemType: number, shape: Array<string | number>): Field[] {
  // ValueInfoProto { name = 1, type = 2 }; TypeProto { tensor_type = 1 { elem_type = 1, shape = 2 } }
  const tensorType = messageField(1, [intField(1, elemType), messageField(2, dims(shape))]);
  return [stringField(1, name), messageField(2, [tensorType])];
}

function node(opType: string, inputs: string[], outputs: string[], attributes: Field[][] = []): Field[] {
  // NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }
  return [
    ...inputs.map((i) => stringField(1, i)),
    ...outputs.map((o) => stringField(2, o)),
    stringField(3, `${opType}_${outputs[0]}`),
    stringField(4, opType),
    ...attributes.map((a) => messageField(5, a)),
  ];
}

function tensor(name: string, dataType: number, shape: number[], raw: Uint8Array): Field[] {
  // TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 } (raw_data is little-endian)
  return [...shape.map((d) => intField(1, d)), intField(2, dataType), stringField(8, name), bytesField(9, raw)];
}

/** `table` is [vocabSize, dim] row-major: row i is token i's vector. */
export function tinyEmbedderOnnx(table: Float32Array, vocabSize: number, dim: number): Buffer {
  const axes = new BigInt64Array([-1n]);
  const graph: Field[] = [
    messageField(1, node('Gather', ['embeddings', 'input_ids'], ['token_vectors'])),
    messageField(1, node('Cast', ['attention_mask'], ['mask_float'], [[stringField(1, 'to'), intField(3, FLOAT), intField(20, ATTR_INT)]])),
    messageField(1, node('Unsqueeze', ['mask_float', 'last_axis'], ['mask_3d'])),
    messageField(1, node('Mul', ['token_vectors', 'mask_3d'], ['last_hidden_state'])),
    stringField(2, 'airlock_tiny_embedder'),
    messageField(5, tensor('embeddings', FLOAT, [vocabSize, dim], new Uint8Array(table.buffer, table.byteOffset, table.byteLength))),
    messageField(5, tensor('last_axis', INT64, [1], new Uint8Array(axes.buffer))),
    messageField(11, valueInfo('input_ids', INT64, ['batch_size', 'sequence_length'])),
    messageField(11, valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length'])),
    messageField(12, valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dim])),
  ];
  // ModelProto { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { domain = 1, version = 2 } }
  return message([
    intField(1, 8),
    stringField(2, 'airlock'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, 17)]),
  ]);
}
