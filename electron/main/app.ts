// The desktop app: one window on app://airlock/, a locked session, the engine in a utility
// process behind a checked IPC router. No updater, no crash reporter, no telemetry, nothing
// opened outside the app.
import { app, BrowserWindow, protocol, session } from 'electron';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { contentSecurityPolicy } from './csp.js';
import { APP_SCHEME, APP_START_URL } from './origin.js';
import { lockSession } from './lockSession.js';
import { guardContents } from './guardContents.js';
import { serveAppProtocol } from './appProtocol.js';
import { createMainWindow } from './window.js';
import { startEngine, type EngineHost } from './engineHost.js';
import { forwardEvent, routeIpc } from './ipcRouter.js';
import { logToFolder, shellLog } from './log.js';

const here = import.meta.dirname;
const dev = !app.isPackaged;
// electron-vite sets this for `npm run dev` only; the packaged app loads app:// alone.
const devServerOrigin = dev && process.env.ELECTRON_RENDERER_URL ? new URL(process.env.ELECTRON_RENDERER_URL).origin : undefined;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.on('web-contents-created', (_event, contents) => guardContents(contents));

let win: BrowserWindow | null = null;
let engine: EngineHost | null = null;

function analystName(): string {
  try {
    return userInfo().username || 'analyst';
  } catch {
    return 'analyst';
  }
}

void app.whenReady().then(() => {
  logToFolder(join(app.getPath('userData'), 'logs'));
  const ses = session.defaultSession;
  lockSession(ses, { devServerOrigin, allowDevTools: dev });
  serveAppProtocol(ses, join(here, '..', 'renderer'), contentSecurityPolicy({ devServerOrigin }));
  const modelsDir = app.isPackaged ? join(process.resourcesPath, 'native-models') : join(app.getAppPath(), 'native-models');
  engine = startEngine(join(here, 'engine.js'), {
    workspace: join(app.getPath('userData'), 'workspace'),
    modelsDir,
    analyst: analystName(),
    version: app.getVersion(),
  }, (name, payload) => forwardEvent(win, name, payload));
  routeIpc(engine, () => win, devServerOrigin);
  win = createMainWindow(join(here, '..', 'preload', 'index.cjs'), dev);
  win.on('closed', () => { win = null; });
  void win.loadURL(devServerOrigin ? process.env.ELECTRON_RENDERER_URL! : APP_START_URL);
  shellLog(`started; workspace ${join(app.getPath('userData'), 'workspace')}, models ${modelsDir}`);
});

app.on('window-all-closed', () => {
  engine?.stop();
  app.quit();
});
