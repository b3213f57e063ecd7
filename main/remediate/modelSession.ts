// The local models of one run, loaded on first use: the language model (a GGUF through
// node-llama-cpp) for clusters the synthesizer cannot fix, and the sentence embedder (ONNX through
// transformers.js) for merging clusters. A missing model is a status, never an error: the
// deterministic path runs without it. Every model that ran is recorded with its SHA-256.
import { resolve } from 'node:path';
import type { Contract } from '../contract/types.js';
import type { Engine } from '../pipeline/context.js';
// The model runtimes (node-llama-cpp, transformers.js with onnxruntime) are loaded only when a
// model is used: a run with --no-model pays neither their start-up time nor their memory.
import type { ProposalModel } from '../models/llama.js';
import type { Embedder } from '../models/embedder.js';
import { buildProposalPrompt } from '../models/proposalPrompt.js';
import { findDefaultEmbedder, findDefaultModel } from '../models/modelFiles.js';
import { mergeBySimilarity } from '../models/neighbours.js';
import type { StoredRule } from './proposalStore.js';
import { ruleFromProposal } from './modelRule.js';
import type { TypedRule } from './rules/ruleTypes.js';
import type { Cluster, ValueCount } from './types.js';

export interface ModelChoice {
  /** a GGUF file; null means --no-model; undefined looks in the models folder */
  modelPath?: string | null;
  /** an ONNX embedder folder; null means --no-embedder; undefined looks in the models folder */
  embedderDir?: string | null;
  /** default: native-models/ of the installation */
  modelsDir?: string;
  /** a language model the caller has loaded already and disposes itself (kept across runs) */
  loadedModel?: ProposalModel;
}

export const DEFAULT_MODELS_DIR = resolve(import.meta.dirname, '..', '..', 'native-models');

const REASON_TEXT: Record<string, string> = {
  TYPE_MISMATCH: 'the value does not parse as the declared type',
  REQUIRED_MISSING: 'the value is missing but required',
  PATTERN_MISMATCH: 'the value does not fully match the required pattern',
  NOT_IN_SET: 'the value is not one of the allowed values',
  OUT_OF_RANGE: 'the value is outside the allowed range',
  LENGTH_VIOLATION: 'the value has the wrong length',
  FD_VIOLATION: 'the value disagrees with other rows that share the same determining columns',
  FD_DETERMINANT_SUSPECT: 'the value is rare and its row\'s dependent columns are exactly those of one common, similarly spelt value: likely a misspelling of it',
  INVALID_VALUE: 'the value is not a valid value',
};

export class ModelSession {
  private llmModel: ProposalModel | null | undefined;
  private embedModel: Embedder | null | undefined;
  status: { llm: string; embedder: string } = { llm: 'not loaded', embedder: 'not loaded' };

  constructor(private readonly engine: Engine, private readonly runId: string, private readonly choice: ModelChoice) {}

  async llm(): Promise<ProposalModel | null> {
    if (this.llmModel !== undefined) return this.llmModel;
    if (this.choice.loadedModel) {
      this.llmModel = this.choice.loadedModel;
      this.status.llm = `loaded ${this.llmModel.info.fileName}`;
      this.record('llm', { ...this.llmModel.info });
      return this.llmModel;
    }
    const path = this.choice.modelPath === null ? null : this.choice.modelPath ?? findDefaultModel(this.choice.modelsDir ?? DEFAULT_MODELS_DIR);
    if (!path) {
      this.status.llm = this.choice.modelPath === null ? 'disabled (--no-model)' : 'no GGUF model installed: deterministic synthesis only';
      this.llmModel = null;
      return null;
    }
    const { ProposalModel } = await import('../models/llama.js');
    this.llmModel = await ProposalModel.load(path);
    this.status.llm = `loaded ${this.llmModel.info.fileName}`;
    this.record('llm', { ...this.llmModel.info });
    return this.llmModel;
  }

  async embedder(): Promise<Embedder | null> {
    if (this.embedModel !== undefined) return this.embedModel;
    const dir = this.choice.embedderDir === null ? null : this.choice.embedderDir ?? findDefaultEmbedder(this.choice.modelsDir ?? DEFAULT_MODELS_DIR);
    if (!dir) {
      this.status.embedder = this.choice.embedderDir === null ? 'disabled (--no-embedder)' : 'no embedding model installed: clusters by shape only';
      this.embedModel = null;
      return null;
    }
    const { Embedder } = await import('../models/embedder.js');
    this.embedModel = await Embedder.load(dir);
    this.status.embedder = `loaded ${dir}`;
    this.record('embedder', { ...this.embedModel.info });
    return this.embedModel;
  }

  merge(vectors: Float32Array[], threshold: number): number[] {
    return mergeBySimilarity(vectors, threshold);
  }

  /**
   * One grammar-bound call for one cluster: only its representatives, some valid values of the
   * column and the contract's rules for it are shown to the model. The answer comes back as a
   * typed rule for the same gate, verification and harm guard as the synthesizer's; every call
   * is audited with what it cost (prompt and answer tokens, time).
   */
  async propose(contract: Contract, cluster: Cluster, validSample: ValueCount[] = []): Promise<{ op: TypedRule; confidence: number; reasoning: string; patternType: string; proposer: string; model: StoredRule['model'] } | null> {
    const model = await this.llm();
    if (!model) return null;
    const col = contract.columns.find((c) => c.name === cluster.column)!;
    const prompt = buildProposalPrompt({
      column: {
        name: col.name, logicalType: col.logicalType, required: col.required, pattern: col.pattern, enum: col.enum, description: col.description, format: col.format,
        minimum: col.minimum, maximum: col.maximum, exclusiveMinimum: col.exclusiveMinimum, exclusiveMaximum: col.exclusiveMaximum, minLength: col.minLength, maxLength: col.maxLength,
      },
      reason: `${cluster.reason}: ${REASON_TEXT[cluster.reason] ?? cluster.reason}`,
      samples: cluster.samples,
      validSamples: validSample.filter((v): v is { value: string; count: number } => v.value !== null),
    });
    const failingValues = cluster.samples.map((s) => s.value).filter((v): v is string => v !== null);
    const out = await model.propose(prompt, { timeoutMs: 60_000, maxTokens: 400, schema: { failingValues, ...(col.enum?.length ? { allowedValues: col.enum } : {}) } });
    const info = { fileName: model.info.fileName, sizeBytes: model.info.sizeBytes, sha256: model.info.sha256 };
    const cost = { promptTokens: out.promptTokens, answerTokens: out.answerTokens, ms: out.ms };
    if ('error' in out.answer) {
      this.engine.audit.append({ runId: this.runId, kind: 'model', payload: { cluster: cluster.id, outcome: 'no proposal', error: out.answer.error, model: info, ...cost } });
      return null;
    }
    const answer = out.answer;
    this.engine.audit.append({ runId: this.runId, kind: 'model', payload: { cluster: cluster.id, outcome: 'answered', kind: answer.kind, model: info, ...cost } });
    return {
      op: ruleFromProposal(answer, col.name),
      confidence: Math.min(answer.confidence, 0.9),
      reasoning: answer.kind === 'map'
        ? `The language model's value map for ${answer.map.length} failing value${answer.map.length === 1 ? '' : 's'}.`
        : 'The language model\'s expression over the failing value.',
      patternType: answer.kind === 'map' ? 'model-map' : 'model-expression',
      // The model's identity travels with every cell change the rule causes.
      proposer: `llm:${model.info.fileName} (${model.info.sizeBytes} bytes, sha256 ${model.info.sha256})`,
      model: info,
    };
  }

  names(): { llm: string | null; embedder: string | null } {
    return { llm: this.llmModel ? this.llmModel.info.fileName : null, embedder: this.embedModel ? this.embedModel.info.dir : null };
  }

  private record(role: string, info: Record<string, unknown>): void {
    this.engine.sqlite.prepare('INSERT OR REPLACE INTO models_used (run_id, role, info_json) VALUES (?, ?, ?)').run(this.runId, role, JSON.stringify(info));
    this.engine.audit.append({ runId: this.runId, kind: 'model', payload: { role, loaded: info } });
  }

  async dispose(): Promise<void> {
    if (this.llmModel && this.llmModel !== this.choice.loadedModel) await this.llmModel.dispose();
    if (this.embedModel) await this.embedModel.dispose();
  }
}
