// A tiny sentence-embedding model folder in the layout transformers.js loads (config.json,
// tokenizer.json, tokenizer_config.json, onnx/model.onnx), for tests only. Tokens are single
// characters (a character-level WordPiece vocabulary) with fixed vectors that share a component
// per character class, so strings with the same characters and shape get close embeddings:
// '12.0 oz' lands near '16.0 oz' and far from 'N/A', like a real embedder would place them.
import { randomFloats, seededRandom } from './seededRandom.js';
import { tinyEmbedderOnnx } from './tinyEmbedderOnnx.js';

export const TINY_EMBEDDER_DIM = 64;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

type CharClass = 'letter' | 'digit' | 'punct';

function vocabulary(): { tokens: string[]; classOf: Map<string, CharClass> } {
  const classOf = new Map<string, CharClass>();
  for (const c of LETTERS) classOf.set(c, 'letter');
  for (const c of DIGITS) classOf.set(c, 'digit');
  for (const c of PUNCTUATION) classOf.set(c, 'punct');
  const chars = [...classOf.keys()];
  // "##c" continues a word; it gets the same vector as "c" so position in a word does not matter.
  return { tokens: [...SPECIALS, ...chars, ...chars.map((c) => `##${c}`)], classOf };
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function embeddingTable(tokens: string[], classOf: Map<string, CharClass>, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const dim = TINY_EMBEDDER_DIM;
  const classVectors = new Map<CharClass, Float32Array>(
    (['letter', 'digit', 'punct'] as const).map((c) => [c, unit(randomFloats(rand, dim, 1))]),
  );
  const charVectors = new Map<string, Float32Array>();
  const table = new Float32Array(tokens.length * dim);
  tokens.forEach((token, i) => {
    const char = token.startsWith('##') ? token.slice(2) : token;
    let v: Float32Array;
    if (classOf.has(char)) {
      v = charVectors.get(char) ?? unit(randomFloats(rand, dim, 1));
      charVectors.set(char, v);
      const cls = classVectors.get(classOf.get(char)!)!;
      v = v.map((x, k) => 0.85 * x + 0.5 * cls[k]);
    } else if (token === '[UNK]') {
      v = unit(randomFloats(rand, dim, 1));
    } else {
      // [CLS]/[SEP] appear in every input: a small shared vector keeps an empty string from
      // pooling to zero (which cannot be normalised) without pulling other strings together.
      v = unit(randomFloats(rand, dim, 1)).map((x) => x * 0.05);
    }
    table.set(v, i * dim);
  });
  return table;
}

function tokenizerJson(tokens: string[]): object {
  const id = (t: string) => tokens.indexOf(t);
  const special = (t: string) => ({ id: t, ids: [id(t)], tokens: [t] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((t) => ({
      id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
    },
  };
}

/** The model folder's files, by path relative to the folder. */
export function tinyEmbedderFiles(seed = 7): Record<string, Buffer> {
  const { tokens, classOf } = vocabulary();
  const table = embeddingTable(tokens, classOf, seed);
  const json = (value: object) => Buffer.from(JSON.stringify(value, null, 2) + '\n');
  return {
    'config.json': json({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: TINY_EMBEDDER_DIM,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      intermediate_size: TINY_EMBEDDER_DIM,
      vocab_size: tokens.length,
      max_position_embeddings: 512,
      type_vocab_size: 2,
      pad_token_id: 0,
    }),
    'tokenizer.json': json(tokenizerJson(tokens)),
    // transformers.js needs this file too: without it the tokenizer does not load.
    'tokenizer_config.json': json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      clean_up_tokenization_spaces: true,
      cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
    }),
    'onnx/model.onnx': tinyEmbedderOnnx(table, tokens.length, TINY_EMBEDDER_DIM),
  };
}
