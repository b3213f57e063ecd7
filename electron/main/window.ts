// The one window: context-isolated, sandboxed, no Node in the page, web security on, no
// spellchecker, DevTools only in development. Files dropped outside the drop zone never
// navigate the window (the renderer also cancels stray drops).
import { BrowserWindow } from 'electron';

export function createMainWindow(preload: string, devTools: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1100,
    minHeight: 720,
    show: false,
    title: 'Airlock',
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
