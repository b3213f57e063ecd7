// The renderer's Content-Security-Policy: only the app's own origin, for everything, and
// nothing from anywhere else: no inline script, no eval, no frames, no forms, no plugins.
// In development the Vite dev server's origin is added (with its hot-reload socket and the
// inline styles it injects); the packaged app never has one.

export interface CspOptions {
  /** e.g. the dev server's origin, only when running `npm run dev` */
  devServerOrigin?: string;
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const dev = opts.devServerOrigin ? new URL(opts.devServerOrigin) : null;
  const devOrigin = dev ? dev.origin : '';
  const devSocket = dev ? `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}` : '';
  const self = (...extra: string[]) => ["'self'", ...extra.filter(Boolean)].join(' ');
  const directives: [string, string][] = [
    ['default-src', "'none'"],
    ['script-src', self(devOrigin)],
    ['style-src', dev ? self(devOrigin, "'unsafe-inline'") : self()],
    ['img-src', self(devOrigin)],
    ['font-src', self(devOrigin)],
    ['connect-src', self(devOrigin, devSocket)],
    ['worker-src', "'none'"],
    ['frame-src', "'none'"],
    ['child-src', "'none'"],
    ['object-src', "'none'"],
    ['media-src', "'none'"],
    ['manifest-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}
