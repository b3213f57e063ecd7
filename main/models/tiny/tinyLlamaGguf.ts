// A ~100 KB llama-architecture GGUF with seeded random weights, for tests only: it loads in
// node-llama-cpp and generates (nonsense) text, so the whole model path can be tested offline
// without shipping or downloading real weights. Grammar-bound output still has the right shape.
import { randomFloats, seededRandom } from './seededRandom.js';
import { serializeGguf, type GgufTensor, type GgufValue } from './ggufWriter.js';

const N_EMBD = 32;
const N_FF = 64;
const N_HEAD = 4;
const N_CTX = 8192;

// SentencePiece token types, as llama.cpp reads them.
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

/** <unk>, <s>, </s>, then the 256 byte-fallback tokens, then a word-boundary piece. */
function byteVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  // "▁" (U+2581) is SentencePiece's space; having it keeps spaces one token instead of three bytes.
  tokens.push('\u2581');
  types.push(TOKEN_NORMAL);
  return { tokens, scores: tokens.map(() => 0), types };
}

export function tinyLlamaGguf(seed = 42): Buffer {
  const vocab = byteVocab();
  const nVocab = vocab.tokens.length;
  const rand = seededRandom(seed);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const weights = (rows: number, cols: number, scale = 0.5) => randomFloats(rand, rows * cols, scale);

  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'airlock-tiny-test' }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: N_CTX }],
    ['llama.embedding_length', { type: 'u32', value: N_EMBD }],
    ['llama.block_count', { type: 'u32', value: 1 }],
    ['llama.feed_forward_length', { type: 'u32', value: N_FF }],
    ['llama.attention.head_count', { type: 'u32', value: N_HEAD }],
    ['llama.attention.head_count_kv', { type: 'u32', value: N_HEAD }],
    ['llama.rope.dimension_count', { type: 'u32', value: N_EMBD / N_HEAD }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];

  // ggml dims are [input, output]: a [N_EMBD, N_FF] tensor maps N_EMBD features to N_FF.
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [N_EMBD, nVocab], data: weights(N_EMBD, nVocab) },
    { name: 'blk.0.attn_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'blk.0.attn_q.weight', dims: [N_EMBD, N_EMBD], data: weights(N_EMBD, N_EMBD) },
    { name: 'blk.0.attn_k.weight', dims: [N_EMBD, N_EMBD], data: weights(N_EMBD, N_EMBD) },
    { name: 'blk.0.attn_v.weight', dims: [N_EMBD, N_EMBD], data: weights(N_EMBD, N_EMBD) },
    { name: 'blk.0.attn_output.weight', dims: [N_EMBD, N_EMBD], data: weights(N_EMBD, N_EMBD) },
    { name: 'blk.0.ffn_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'blk.0.ffn_gate.weight', dims: [N_EMBD, N_FF], data: weights(N_EMBD, N_FF) },
    { name: 'blk.0.ffn_up.weight', dims: [N_EMBD, N_FF], data: weights(N_EMBD, N_FF) },
    { name: 'blk.0.ffn_down.weight', dims: [N_FF, N_EMBD], data: weights(N_FF, N_EMBD) },
    { name: 'output_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'output.weight', dims: [N_EMBD, nVocab], data: weights(N_EMBD, nVocab) },
  ];
  return serializeGguf(metadata, tensors);
}
