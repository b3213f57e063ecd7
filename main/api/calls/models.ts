// What models this machine has: the GGUF language model and the embedding model found in the
// models folder (size and SHA-256, hashed once per file version), the device llama.cpp last ran
// on, and how to install a model from a USB stick. Nothing is ever downloaded.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findDefaultEmbedder, findDefaultModel, inspectModelFile } from '../../models/modelFiles.js';
import { EMBEDDER_FILES } from '../../models/modelFiles.js';
import type { ModelFileView, ModelStatus } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type ModelCalls = Pick<CallImpl, 'modelStatus'>;

export function modelCalls(session: EngineSession): ModelCalls {
  const hashes = new Map<string, Promise<ModelFileView>>();
  const inspect = (path: string): Promise<ModelFileView> => {
    const st = statSync(path);
    const key = `${path}\0${st.size}\0${st.mtimeMs}`;
    let view = hashes.get(key);
    if (!view) {
      view = inspectModelFile(path).then((i) => ({ path, fileName: i.fileName, sizeBytes: i.sizeBytes, sha256: i.sha256 }));
      view.catch(() => hashes.delete(key));
      hashes.set(key, view);
    }
    return view;
  };

  return {
    async modelStatus() {
      const dir = session.ctx.modelsDir;
      const gguf = findDefaultModel(dir);
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
        llm: gguf ? await inspect(gguf) : null,
        embedder: embedderDir
          ? { dir: embedderDir, name: basename(embedderDir), files: await Promise.all(EMBEDDER_FILES.map((f) => inspect(join(embedderDir, f)))) }
          : null,
        device,
        lastRun: lastRunId ? { runId: lastRunId, llm: name('llm'), embedder: name('embedder') } : null,
        install: [
          { platform: 'linux-macos', commands: [
            `cp /media/$USER/STICK/Phi-3-mini-4k-instruct-q4.gguf "${dir}/"`,
            `cp -r /media/$USER/STICK/all-MiniLM-L6-v2 "${dir}/"`,
            `sha256sum "${dir}"/*.gguf`,
          ] },
          { platform: 'windows', commands: [
            `Copy-Item E:\\Phi-3-mini-4k-instruct-q4.gguf "${dir}\\"`,
            `Copy-Item -Recurse E:\\all-MiniLM-L6-v2 "${dir}\\"`,
            `Get-FileHash "${dir}\\*.gguf"`,
          ] },
        ],
      };
      return status;
    },
  };
}
