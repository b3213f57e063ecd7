// What models this machine has: every GGUF language model in the models folder (size, SHA-256,
// and what its header says: architecture, parameters, chat template), the embedding model
// folder, the device llama.cpp last ran on, and the last measured speed of each GGUF. Files are
// hashed once per file version; headers are read without loading weights. Nothing is ever
// downloaded.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EMBEDDER_FILES, findDefaultEmbedder, inspectModelFile, listGgufFiles } from '../../models/modelFiles.js';
import { GgufFormatError, ggufHeaderInfo } from '../../models/ggufHeader.js';
import { readSpeeds, type SpeedFile } from '../../models/speedFile.js';
import type { GgufFileView, ModelFileView, ModelStatus } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type ModelCalls = Pick<CallImpl, 'modelStatus'>;

type GgufFacts = Omit<GgufFileView, keyof ModelFileView | 'speed'>;

function readHeader(path: string): GgufFacts {
  try {
    return { ...ggufHeaderInfo(path), problem: null };
  } catch (e) {
    if (!(e instanceof GgufFormatError)) throw e;
    return { architecture: null, name: null, sizeLabel: null, parameters: 0, contextLength: null, chatTemplate: null, problem: `not a usable GGUF file: ${e.message}` };
  }
}

export function modelCalls(session: EngineSession): ModelCalls {
  const hashes = new Map<string, Promise<ModelFileView & { header?: GgufFacts }>>();
  // One cache entry per file version (path, size, mtime): hashing a GGUF takes seconds.
  const inspect = (path: string, gguf = false): Promise<ModelFileView & { header?: GgufFacts }> => {
    const st = statSync(path);
    const key = `${path}\0${st.size}\0${st.mtimeMs}\0${gguf}`;
    let view = hashes.get(key);
    if (!view) {
      view = inspectModelFile(path).then((i) => ({ path, fileName: i.fileName, sizeBytes: i.sizeBytes, sha256: i.sha256, ...(gguf ? { header: readHeader(path) } : {}) }));
      view.catch(() => hashes.delete(key));
      hashes.set(key, view);
    }
    return view;
  };
  const ggufView = async (path: string, speeds: SpeedFile): Promise<GgufFileView> => {
    const { header, ...file } = await inspect(path, true);
    return { ...file, ...header!, speed: speeds[file.sha256] ?? null };
  };

  return {
    async modelStatus() {
      const dir = session.ctx.modelsDir;
      const { speeds, problem: speedProblem } = readSpeeds(dir);
      const ggufs = await Promise.all(listGgufFiles(dir).map((p) => ggufView(p, speeds)));
      const embedderDir = findDefaultEmbedder(dir);
      const engine = await session.engine();
      const used = engine.sqlite.prepare(`SELECT m.run_id AS runId, m.role, m.info_json AS info FROM models_used m JOIN runs r ON r.run_id = m.run_id
        ORDER BY r.started_at DESC, r.rowid DESC`).all() as { runId: string; role: string; info: string }[];
      const lastLlm = used.find((u) => u.role === 'llm');
      const gpu = lastLlm ? (JSON.parse(lastLlm.info) as { gpu?: string | false }).gpu : undefined;
      const device = lastLlm === undefined
        ? 'CPU (llama.cpp uses a GPU when it finds one; not loaded yet)'
        : gpu ? `GPU (${gpu})` : 'CPU';
      const lastRunId = used[0]?.runId;
      const last = lastRunId ? used.filter((u) => u.runId === lastRunId) : [];
      const name = (role: string) => {
        const u = last.find((x) => x.role === role);
        if (!u) return null;
        const info = JSON.parse(u.info) as { fileName?: string; dir?: string };
        return info.fileName ?? (info.dir ? basename(info.dir) : null);
      };
      const status: ModelStatus = {
        dir,
        llm: ggufs[0] ?? null,
        otherLlms: ggufs.slice(1),
        embedder: embedderDir
          ? { dir: embedderDir, name: basename(embedderDir), files: await Promise.all(EMBEDDER_FILES.map((f) => inspect(join(embedderDir, f)))) }
          : null,
        device,
        lastRun: lastRunId ? { runId: lastRunId, llm: name('llm'), embedder: name('embedder') } : null,
        speedProblem,
      };
      return status;
    },
  };
}
