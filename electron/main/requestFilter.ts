// The window session's request filter, as a pure decision: the app's own pages and nothing
// else. Every other request (any host, any scheme, file://, data: documents) is cancelled and
// logged by the caller. DevTools and the dev server are let through only in development.
import { APP_ORIGIN, isAppUrl } from './origin.js';

export interface FilterOptions {
  /** the Vite dev server (development only) */
  devServerOrigin?: string;
  /** DevTools' own pages (development only) */
  allowDevTools?: boolean;
}

export type RequestVerdict = { allow: true } | { allow: false; reason: string };

export function requestVerdict(url: string, opts: FilterOptions = {}): RequestVerdict {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { allow: false, reason: 'not a valid URL' };
  }
  if (isAppUrl(url)) return { allow: true };
  if (opts.allowDevTools && (u.protocol === 'devtools:' || (u.protocol === 'chrome-extension:' && u.host === 'devtools'))) return { allow: true };
  if (opts.devServerOrigin) {
    const dev = new URL(opts.devServerOrigin);
    const sameHost = u.host === dev.host;
    if (sameHost && (u.protocol === dev.protocol || u.protocol === (dev.protocol === 'https:' ? 'wss:' : 'ws:'))) return { allow: true };
  }
  return { allow: false, reason: `not the app's own origin (${APP_ORIGIN})` };
}
