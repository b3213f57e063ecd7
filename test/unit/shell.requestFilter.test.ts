// The window session's request filter: the app's own origin passes; everything else is cancelled.
import { describe, expect, it } from 'vitest';
import { requestVerdict } from '../../electron/main/requestFilter.js';
import { isAppUrl } from '../../electron/main/origin.js';

describe('requestVerdict', () => {
  it('lets the app\'s own pages and assets through', () => {
    expect(requestVerdict('app://airlock/index.html')).toEqual({ allow: true });
    expect(requestVerdict('app://airlock/assets/index-abc.js')).toEqual({ allow: true });
    expect(requestVerdict('APP://AIRLOCK/index.html')).toEqual({ allow: true });
  });

  it('cancels every other origin and scheme', () => {
    for (const url of [
      'https://example.org/pixel.png', 'http://localhost:5173/', 'ws://localhost:5173/', 'wss://example.org/socket',
      'file:///etc/passwd', 'app://airlock.example.org/x', 'app://other/index.html', 'ftp://example.org/',
      'data:text/html,<script>1</script>', 'blob:app://airlock/123', 'devtools://devtools/bundled/inspector.html',
      'chrome-extension://devtools/x', 'not a url',
    ]) {
      expect(requestVerdict(url).allow, url).toBe(false);
    }
  });

  it('in development only, lets DevTools and the dev server (and its socket) through', () => {
    const dev = { devServerOrigin: 'http://localhost:5173', allowDevTools: true };
    expect(requestVerdict('http://localhost:5173/src/main.tsx', dev).allow).toBe(true);
    expect(requestVerdict('ws://localhost:5173/', dev).allow).toBe(true);
    expect(requestVerdict('devtools://devtools/bundled/inspector.html', dev).allow).toBe(true);
    expect(requestVerdict('http://localhost:5174/', dev).allow).toBe(false);
    expect(requestVerdict('https://localhost:5173/', dev).allow).toBe(false);
    expect(requestVerdict('https://example.org/', dev).allow).toBe(false);
  });

  it('says why a request was cancelled', () => {
    expect(requestVerdict('https://example.org/')).toEqual({ allow: false, reason: "not the app's own origin (app://airlock)" });
  });
});

describe('isAppUrl', () => {
  it('matches the scheme and host exactly', () => {
    expect(isAppUrl('app://airlock/')).toBe(true);
    expect(isAppUrl('app://airlockx/')).toBe(false);
    expect(isAppUrl('app://airlock@evil/')).toBe(false);
    expect(isAppUrl('https://airlock/')).toBe(false);
  });
});
