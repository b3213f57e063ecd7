// Opening a file the engine wrote (an export's signed report) in the desktop's own viewer. The
// engine only checks the path: it must be a file inside this workspace's exports folder, so a
// page can never have the app open something else. The desktop shell opens what this returns
// (electron/main/ipcRouter.ts); the engine never imports electron.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { UserError } from '../../contract/errors.js';
import type { CallImpl, EngineSession } from '../session.js';

type OpenCalls = Pick<CallImpl, 'openPath'>;

export function openCalls(session: EngineSession): OpenCalls {
  return {
    async openPath({ path }) {
      if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`${path} is not there any more: export the run again to write it.`, path);
      const real = realpathSync(path);
      const exports = existsSync(session.exportsDir) ? realpathSync(session.exportsDir) : session.exportsDir;
      if (!real.startsWith(exports + sep)) throw new UserError(`${path} is not a file Airlock exported, so the app does not open it.`, path);
      return { opened: real };
    },
  };
}
