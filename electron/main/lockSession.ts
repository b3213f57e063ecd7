// Locks the window's session: every request that is not the app's own is cancelled, every
// permission is denied, downloads are refused, the spellchecker (which fetches dictionaries)
// is off. Each refusal is logged.
import type { Session } from 'electron';
import { requestVerdict, type FilterOptions } from './requestFilter.js';
import { shellLog } from './log.js';

export function lockSession(ses: Session, opts: FilterOptions): void {
  ses.webRequest.onBeforeRequest((details, callback) => {
    const verdict = requestVerdict(details.url, opts);
    if (!verdict.allow) shellLog(`blocked request ${details.method} ${details.url.slice(0, 300)}: ${verdict.reason}`);
    callback({ cancel: !verdict.allow });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    shellLog(`denied permission request: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler((_contents, permission) => {
    shellLog(`denied permission check: ${permission}`);
    return false;
  });
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => {
    shellLog('denied screen capture request');
    callback({});
  });
  ses.on('will-download', (event, item) => {
    shellLog(`blocked download of ${item.getURL().slice(0, 300)}`);
    event.preventDefault();
  });
  ses.setSpellCheckerEnabled(false);
}
