// The renderer's Content-Security-Policy: only the app's own origin, no inline script, no eval,
// nothing from anywhere else; the dev server only when given.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../electron/main/csp.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

describe('contentSecurityPolicy', () => {
  it('allows only the app itself, and nothing by default', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'none'"]);
    for (const k of ['script-src', 'style-src', 'img-src', 'font-src', 'connect-src']) expect(d.get(k), k).toEqual(["'self'"]);
    for (const k of ['object-src', 'frame-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors']) expect(d.get(k), k).toEqual(["'none'"]);
  });

  it('names no outside origin, no inline code and no eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).not.toMatch(/https?:|wss?:|\*|unsafe-inline|unsafe-eval|data:|blob:/);
  });

  it('adds the dev server, its socket and the inline styles it injects only in development', () => {
    const d = directives(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(d.get('script-src')).toEqual(["'self'", 'http://localhost:5173']);
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('style-src')).toContain("'unsafe-inline'");
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });
});
