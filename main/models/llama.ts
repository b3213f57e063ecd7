// The language model that proposes repair rules: a GGUF file run by node-llama-cpp, on this
// machine only. The chat template is the one the file declares (node-llama-cpp resolves it from
// the GGUF: ChatML, Gemma, Phi-3, Llama 3 ...). Output is constrained by a JSON-schema grammar to
// one of the rule kinds, greedy (temperature 0, fixed seed) and evaluated from an empty context
// every time, so the same model, prompt and values give the same proposal; bounded in tokens and
// time. Binaries are never downloaded or built: only the prebuilt ones shipped are used.
import { resolve } from 'node:path';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type LlamaContextSequence,
  type Token,
  type Llama,
  type LlamaContext,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { inspectModelFile } from './modelFiles.js';
import { GGUF_HINT, ModelLoadError } from './modelLoadError.js';
import { parseProposal, proposalSchema, type LlmProposal, type ProposalSchemaInput } from './proposalSchema.js';
import type { ProposalPrompt } from './proposalPrompt.js';
import { packageVersion } from './runtimeVersions.js';

export { buildProposalPrompt, type ProposalPrompt, type ProposalPromptInput } from './proposalPrompt.js';
export { checkGgufFile, findDefaultModel, inspectModelFile, type ModelFileInfo } from './modelFiles.js';
import { checkGgufFile } from './modelFiles.js';
export { ModelLoadError } from './modelLoadError.js';
export type { LlmProposal } from './proposalSchema.js';

export interface ProposalModelOptions {
  /** 'auto' uses CUDA/Vulkan/Metal when a prebuilt binary and a device exist; false is CPU only */
  gpu?: 'auto' | false;
  /**
   * CPU threads for generation. Default: 1 for files under 256 MB, else the math cores. On a
   * 2-core machine shared with DuckDB, a small model with 2 threads ran ~60x slower than with 1;
   * `npm run bench:model` measures both for the real models (docs/models.md has the figures).
   */
  threads?: number;
  /** tokens of context (prompt + answer); capped by the model's training context. Default 4096 */
  contextSize?: number;
}

export interface ProposeOptions {
  /** default 120 s */
  timeoutMs?: number;
  /** default 768 */
  maxTokens?: number;
  /** the cluster's failing values and the column's closed set: the grammar of the answer (proposalSchema.ts) */
  schema?: ProposalSchemaInput;
}

/** One proposal call: the parsed answer (or why there is none), and what it cost. */
export interface ProposalOutcome {
  answer: LlmProposal | { error: string };
  /** tokens of the prompt as the model's tokenizer and chat template make them */
  promptTokens: number;
  /** tokens the model generated */
  answerTokens: number;
  ms: number;
  /** the raw generated text (for the record; never executed) */
  text: string;
}

/** Fixed, so that a sampler that ever needs randomness draws the same numbers every run. */
export const GENERATION_SEED = 20261202;

export interface ProposalModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  /** the GPU backend in use, or false for CPU only */
  gpu: string | false;
  threads: number;
  contextSize: number;
  /** the chat template node-llama-cpp resolved from the file, e.g. ChatML, Gemma */
  chatWrapper: string;
  runtime: { nodeLlamaCpp: string; llamaCppRelease: string };
}

const SMALL_MODEL_BYTES = 256 * 1024 * 1024;

// llama.cpp explains a failed load only in its log ("tensor ... data is not within the file
// bounds"); the first error line of a load is kept to put that reason into the user's message.
let firstNativeError = '';
function logNative(level: LlamaLogLevel, message: string): void {
  if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal && level !== LlamaLogLevel.warn) return;
  if (level !== LlamaLogLevel.warn && !firstNativeError) firstNativeError = message.trim();
  process.stderr.write(`[llama.cpp] ${message.trimEnd()}\n`);
}

// One Llama backend per GPU choice for the whole process: loading it is slow and it holds the
// native library. maxThreads 0 means a context's `threads` is used exactly, never capped.
const backends = new Map<string, Promise<Llama>>();
function backend(gpu: 'auto' | false): Promise<Llama> {
  const key = String(gpu);
  let llama = backends.get(key);
  if (!llama) {
    llama = getLlama({
      gpu, build: 'never', usePrebuiltBinaries: true, skipDownload: true, maxThreads: 0, progressLogs: false,
      logLevel: LlamaLogLevel.warn, logger: logNative,
    });
    llama.catch(() => backends.delete(key));
    backends.set(key, llama);
  }
  return llama;
}



export class ProposalModel {
  private disposed = false;

  private constructor(
    readonly info: ProposalModelInfo,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly completion: LlamaCompletion,
    private readonly llama: Llama,
    private readonly chat: ChatWrapper,
  ) {}

  // Grammars by schema: a cluster's schema names its values, and clusters repeat across rounds.
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  static async load(path: string, opts: ProposalModelOptions = {}): Promise<ProposalModel> {
    const modelPath = resolve(path);
    checkGgufFile(modelPath);
    // hashing a multi-GB file runs alongside the load; a failed load must not leave it unhandled
    const fileInfo = inspectModelFile(modelPath);
    fileInfo.catch(() => undefined);
    const llama = await backend(opts.gpu ?? 'auto');
    let model: LlamaModel;
    firstNativeError = '';
    try {
      model = await llama.loadModel({ modelPath });
    } catch (e) {
      // native log lines reach JavaScript asynchronously: let this load's lines arrive first
      await new Promise((r) => setTimeout(r, 50));
      const reason = firstNativeError.replace(/^.*error loading model: /, '') || (e as Error).message;
      throw new ModelLoadError(
        modelPath,
        `llama.cpp could not load ${modelPath}: ${reason}. The file may be damaged (copy it again) or of an architecture this llama.cpp does not support. ${GGUF_HINT}`,
        { cause: e },
      );
    }
    try {
      const { sizeBytes, sha256, fileName } = await fileInfo;
      const threads = opts.threads ?? (sizeBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, llama.cpuMathCores));
      const contextSize = Math.min(opts.contextSize ?? 4096, model.trainContextSize);
      const context = await model.createContext({ contextSize, threads });
      const sequence = context.getSequence();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const chat = resolveChatWrapper(model);
      const info: ProposalModelInfo = {
        path: modelPath,
        fileName,
        sizeBytes,
        sha256,
        gpu: llama.gpu,
        threads,
        contextSize: context.contextSize,
        chatWrapper: chat.wrapperName,
        runtime: { nodeLlamaCpp: packageVersion('node-llama-cpp'), llamaCppRelease: llama.llamaCppRelease.release },
      };
      return new ProposalModel(info, model, context, sequence, completion, llama, chat);
    } catch (e) {
      await model.dispose();
      throw e;
    }
  }

  /** The prompt as tokens: the file's chat template around a system and a user turn, the answer's turn opened. */
  promptTokens(prompt: ProposalPrompt): Token[] {
    const state = this.chat.generateContextState({
      chatHistory: [
        { type: 'system', text: prompt.system },
        ...prompt.examples.flatMap((e) => [{ type: 'user' as const, text: e.user }, { type: 'model' as const, response: [e.answer] }]),
        { type: 'user', text: prompt.user },
        { type: 'model', response: [] },
      ],
    });
    // LlamaText keeps the template's markers as special tokens and the prompt's text as text:
    // a value holding "<|im_end|>" is tokenized as those characters, never as the marker.
    return state.contextText.tokenize(this.model.tokenizer);
  }

  private grammarFor(schema: ProposalSchemaInput | undefined): Promise<LlamaGrammar> {
    const json = proposalSchema(schema ?? { failingValues: [] });
    const key = JSON.stringify(json);
    let g = this.grammars.get(key);
    if (!g) {
      if (this.grammars.size > 200) this.grammars.clear();
      g = this.llama.createGrammarForJsonSchema(json as unknown as Parameters<Llama['createGrammarForJsonSchema']>[0]);
      this.grammars.set(key, g);
    }
    return g;
  }

  /**
   * One proposal for a prompt from buildProposalPrompt. Model trouble (timeout, answer cut off
   * by maxTokens, unusable output) comes back as an `answer` with an error so a caller can fall
   * back; only calling a disposed model, a programming error, throws.
   */
  async propose(prompt: ProposalPrompt, opts: ProposeOptions = {}): Promise<ProposalOutcome> {
    if (this.disposed) throw new Error('ProposalModel.propose called after dispose()');
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const maxTokens = opts.maxTokens ?? 768;
    const tokens = this.promptTokens(prompt);
    const outcome = (answer: ProposalOutcome['answer'], answerTokens = 0, text = ''): ProposalOutcome => ({ answer, promptTokens: tokens.length, answerTokens, ms: Date.now() - started, text });
    if (tokens.length + maxTokens > this.info.contextSize) {
      return outcome({ error: `prompt too long: ${tokens.length} tokens + ${maxTokens} to answer exceed the context of ${this.info.contextSize}` });
    }
    let grammar: LlamaGrammar;
    try {
      grammar = await this.grammarFor(opts.schema);
    } catch (e) {
      return outcome({ error: `no grammar for this answer's schema: ${(e as Error).message}` });
    }
    // From an empty context every time: reusing the previous prompt's cache evaluates the tokens
    // in other batches, whose rounding differs enough to change a greedy answer.
    await this.sequence.clearHistory();
    const signal = AbortSignal.timeout(timeoutMs);
    let answerTokens = 0;
    let result;
    try {
      result = await this.completion.generateCompletionWithMeta(tokens, {
        grammar,
        temperature: 0,
        seed: GENERATION_SEED,
        maxTokens,
        signal,
        stopOnAbortSignal: true,
        onToken: (t) => { answerTokens += t.length; },
      });
    } catch (e) {
      if (signal.aborted) return outcome({ error: `timed out after ${timeoutMs} ms` }, answerTokens);
      return outcome({ error: `generation failed: ${(e as Error).message}` }, answerTokens);
    }
    const stop = result.metadata.stopReason;
    if (stop === 'abort') return outcome({ error: `timed out after ${timeoutMs} ms` }, answerTokens, result.response);
    if (stop === 'maxTokens') return outcome({ error: `answer cut off at maxTokens (${maxTokens}) before the JSON was complete` }, answerTokens, result.response);
    return outcome(parseProposal(result.response, opts.schema?.failingValues), answerTokens, result.response);
  }

  /**
   * Generation speed on this machine: the prompt evaluated from an empty context, then up to
   * `tokens` tokens generated freely (no grammar), greedy. For the speed record the status screen shows.
   */
  async measureSpeed(prompt: ProposalPrompt, tokens = 64): Promise<{ promptTokens: number; promptMs: number; generatedTokens: number; generateMs: number; tokensPerSecond: number }> {
    if (this.disposed) throw new Error('ProposalModel.measureSpeed called after dispose()');
    const input = this.promptTokens(prompt);
    await this.sequence.clearHistory();
    const t0 = Date.now();
    // one token: the prompt's evaluation dominates
    await this.completion.generateCompletionWithMeta(input, { temperature: 0, seed: GENERATION_SEED, maxTokens: 1 });
    const promptMs = Date.now() - t0;
    await this.sequence.clearHistory();
    let generated = 0;
    const t1 = Date.now();
    await this.completion.generateCompletionWithMeta(input, { temperature: 0, seed: GENERATION_SEED, maxTokens: tokens + 1, onToken: (t) => { generated += t.length; } });
    // the second call evaluates the prompt again: its time is taken off
    const generateMs = Math.max(1, Date.now() - t1 - promptMs);
    const afterFirst = Math.max(0, generated - 1);
    return { promptTokens: input.length, promptMs, generatedTokens: afterFirst, generateMs, tokensPerSecond: afterFirst / (generateMs / 1000) };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.completion.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }

  /** The proposer name recorded with each proposal, e.g. `llm:Phi-3-mini-4k-instruct-q4.gguf`. */
  get proposerName(): string {
    return `llm:${this.info.fileName}`;
  }
}
