// Serves the built renderer on app://airlock/ with the strict Content-Security-Policy on every
// response. Only files inside the renderer folder can be named; anything else is a 404.
import { readFile } from 'node:fs/promises';
import type { Session } from 'electron';
import { appFileFor, contentTypeFor } from './appFiles.js';
import { APP_SCHEME } from './origin.js';
import { shellLog } from './log.js';

export function serveAppProtocol(ses: Session, rendererDir: string, csp: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileFor(request.url, rendererDir);
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    if (!file) {
      shellLog(`refused app:// request outside the renderer: ${request.url.slice(0, 300)}`);
      return new Response('Not found', { status: 404, headers });
    }
    try {
      return new Response(await readFile(file), { status: 200, headers: { ...headers, 'content-type': contentTypeFor(file) } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });
}
