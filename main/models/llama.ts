// The language model that proposes repair rules: a GGUF file run by node-llama-cpp, on this
// machine only. Output is constrained by a JSON-schema grammar to the proposal shape, greedy
// (temperature 0) so the same model, prompt and values give the same proposal, and bounded in
// tokens and time. Binaries are never downloaded or built: only the prebuilt ones shipped are used.
import { resolve } from 'node:path';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { inspectModelFile } from './modelFiles.js';
import { GGUF_HINT, ModelLoadError } from './modelLoadError.js';
import { parseProposal, PROPOSAL_SCHEMA, type LlmProposal } from './proposalSchema.js';
import { packageVersion } from './runtimeVersions.js';

export { buildProposalPrompt, type ProposalPromptInput } from './proposalPrompt.js';
export { checkGgufFile, findDefaultModel, inspectModelFile, type ModelFileInfo } from './modelFiles.js';
import { checkGgufFile } from './modelFiles.js';
export { ModelLoadError } from './modelLoadError.js';
export type { LlmProposal } from './proposalSchema.js';

export interface ProposalModelOptions {
  /** 'auto' uses CUDA/Vulkan/Metal when a prebuilt binary and a device exist; false is CPU only */
  gpu?: 'auto' | false;
  /**
   * CPU threads for generation. Default: 1 for files under 256 MB, else the math cores. On a
   * 2-core machine shared with DuckDB, a small model with 2 threads ran ~60x slower than with 1.
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
}

export interface ProposalModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  /** the GPU backend in use, or false for CPU only */
  gpu: string | false;
  threads: number;
  contextSize: number;
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
    private readonly completion: LlamaCompletion,
    private readonly grammar: LlamaGrammar,
  ) {}

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
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const grammar = await llama.createGrammarForJsonSchema(PROPOSAL_SCHEMA);
      const info: ProposalModelInfo = {
        path: modelPath,
        fileName,
        sizeBytes,
        sha256,
        gpu: llama.gpu,
        threads,
        contextSize: context.contextSize,
        runtime: { nodeLlamaCpp: packageVersion('node-llama-cpp'), llamaCppRelease: llama.llamaCppRelease.release },
      };
      return new ProposalModel(info, model, context, completion, grammar);
    } catch (e) {
      await model.dispose();
      throw e;
    }
  }

  /**
   * One proposal for a prompt from buildProposalPrompt. Model trouble (timeout, answer cut off
   * by maxTokens, unusable output) comes back as { error } so a caller can fall back; only
   * calling a disposed model, a programming error, throws.
   */
  async propose(prompt: string, opts: ProposeOptions = {}): Promise<LlmProposal | { error: string }> {
    if (this.disposed) throw new Error('ProposalModel.propose called after dispose()');
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const maxTokens = opts.maxTokens ?? 768;
    // The prompt's own chat markers must become special tokens; buildProposalPrompt has already
    // broken any marker coming from data, so tokenizing with special tokens on is safe.
    const tokens = this.model.tokenize(prompt, true);
    if (tokens.length + maxTokens > this.info.contextSize) {
      return { error: `prompt too long: ${tokens.length} tokens + ${maxTokens} to answer exceed the context of ${this.info.contextSize}` };
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let result;
    try {
      result = await this.completion.generateCompletionWithMeta(tokens, {
        grammar: this.grammar,
        temperature: 0,
        maxTokens,
        signal,
        stopOnAbortSignal: true,
      });
    } catch (e) {
      if (signal.aborted) return { error: `timed out after ${timeoutMs} ms` };
      return { error: `generation failed: ${(e as Error).message}` };
    }
    const stop = result.metadata.stopReason;
    if (stop === 'abort') return { error: `timed out after ${timeoutMs} ms` };
    if (stop === 'maxTokens') return { error: `answer cut off at maxTokens (${maxTokens}) before the JSON was complete` };
    return parseProposal(result.response);
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
