// Export of a run (clean data, the rows still quarantined, the signed audit bundle) into the
// workspace's exports folder, which the engine's DuckDB may write to, then the bundle checked
// straight away with the same offline verifier the command line uses.
import { join } from 'node:path';
import { exportRun } from '../../export/exportRun.js';
import { verifyBundle } from '../../audit/verifyBundle.js';
import type { VerifyView } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type ExportCalls = Pick<CallImpl, 'exportRun' | 'verifyBundle'>;

async function verify(path: string): Promise<VerifyView> {
  const r = await verifyBundle(path);
  return r.ok ? { ok: true, verdict: r.verdict, path } : { ok: false, verdict: r.verdict, culprit: r.culprit, path };
}

export function exportCalls(session: EngineSession): ExportCalls {
  return {
    exportRun({ runId, format, includePii }) {
      return session.exclusive(async (engine) => {
        const dir = join(session.exportsDir, runId);
        const res = await exportRun(engine, { runId, outDir: dir, format, includePii });
        return {
          runId: res.runId, dir, format, files: res.files, bundleDir: res.bundle.dir, archive: res.bundle.archive,
          verification: await verify(res.bundle.dir),
        };
      });
    },
    verifyBundle({ path }) {
      return verify(path);
    },
  };
}
