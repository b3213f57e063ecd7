// The one error a user can cause in the model layer: a model file or folder that is missing,
// unreadable or not a model. Its message names the path and says what to do.

export class ModelLoadError extends Error {
  constructor(public readonly path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/** What to do when the language model is missing or unusable. */
export const GGUF_HINT = 'Copy a Phi-3 mini instruct GGUF (e.g. Phi-3-mini-4k-instruct-q4.gguf) into native-models/ or pass --model <file>.';

/** What to do when the embedding model is missing or unusable. */
export const EMBEDDER_HINT =
  'Copy an all-MiniLM-L6-v2 ONNX folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) into native-models/ or pass --embedder <folder>.';
