// Export of a run (clean data, the rows still quarantined, the signed audit bundle) into the
// workspace's exports folder, which the engine's DuckDB may write to, then the bundle checked
// straight away with the same offline verifier the command line uses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportRun } from '../../export/exportRun.js';
import { verifyBundle, type VerifyWords } from '../../audit/verifyBundle.js';
import { keyIdOf, PUBLIC_KEY_FILE } from '../../audit/sign.js';
import { workspacePaths } from '../../store/workspace.js';
import type { VerifyView } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type ExportCalls = Pick<CallImpl, 'exportRun' | 'verifyBundle'>;

/** The report a bundle carries: the page the analyst opens. */
export const REPORT_FILE = 'report.html';

/**
 * The verdict in a desktop user's words: the key is compared with this workspace's own (which
 * the app can read, so it never asks for a flag), and personal data is named without one.
 */
function desktopWords(workspace: string): VerifyWords {
  // The workspace's signing key, as the bundle writer keeps it (main/audit/sign.ts).
  const keyFile = join(workspacePaths(workspace).keys, PUBLIC_KEY_FILE);
  const ours = existsSync(keyFile) ? keyIdOf(readFileSync(keyFile, 'utf8')) : null;
  return {
    ownKey: (keyId) => (keyId === ours ? `this workspace's key ${keyId.slice(0, 16)}` : `the key it carries, ${keyId.slice(0, 16)}, which is not this workspace's key`),
    piiInClear: 'personal data in clear (exported with personal data included)',
    missingKey: 'missing: the bundle does not carry the key it was signed with',
  };
}

async function verify(path: string, workspace: string): Promise<VerifyView> {
  const r = await verifyBundle(path, { words: desktopWords(workspace) });
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
          report: join(res.bundle.dir, REPORT_FILE),
          verification: await verify(res.bundle.dir, session.ctx.workspace),
        };
      });
    },
    verifyBundle({ path }) {
      return verify(path, session.ctx.workspace);
    },
  };
}
