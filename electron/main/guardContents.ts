// Every web contents the app creates stays on the page it loaded: navigation, redirects, new
// windows and <webview> are refused and logged. The app is one page; it never needs to go anywhere.
import type { WebContents } from 'electron';
import { shellLog } from './log.js';

export function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    shellLog(`blocked navigation to ${url.slice(0, 300)}`);
    event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    shellLog(`blocked redirect to ${url.slice(0, 300)}`);
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    shellLog('blocked a <webview>');
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    shellLog(`blocked new window for ${url.slice(0, 300)}`);
    return { action: 'deny' };
  });
}
