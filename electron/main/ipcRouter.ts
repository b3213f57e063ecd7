// The IPC router: window.airlock's calls arrive here, are checked (sender, call name, input
// schema) and only then forwarded to the engine. Engine events go to the app's window.
import { ipcMain, shell, type BrowserWindow } from 'electron';
import { IPC_CALL, IPC_EVENT, type EventName } from '../../main/api/contract.js';
import { checkCall } from './ipcGuard.js';
import type { EngineHost } from './engineHost.js';
import { shellLog } from './log.js';

export function routeIpc(engine: EngineHost, appWindow: () => BrowserWindow | null, devServerOrigin?: string): void {
  ipcMain.handle(IPC_CALL, async (event, name: unknown, input: unknown) => {
    const win = appWindow();
    const check = checkCall({
      frameUrl: event.senderFrame?.url,
      isMainFrame: !!event.senderFrame && event.senderFrame === event.sender.mainFrame,
      fromAppWindow: !!win && event.sender === win.webContents,
    }, name, input, { devServerOrigin });
    if (!check.ok) {
      shellLog(check.log);
      return { ok: false, error: check.error };
    }
    const result = await engine.call(check.name, check.input);
    // The engine checked the path (a file it exported); opening it is the desktop's job.
    if (check.name === 'openPath' && result.ok) {
      const opened = (result.value as { opened: string }).opened;
      const problem = await shell.openPath(opened);
      if (problem) return { ok: false, error: { code: 'USER', message: `Airlock could not open ${opened}: ${problem}. Open it from its folder instead.`, file: opened } };
    }
    return result;
  });
}

export function forwardEvent(win: BrowserWindow | null, name: EventName, payload: unknown): void {
  if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
}
