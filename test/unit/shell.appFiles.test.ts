// app:// URLs map to files of the built renderer and never to anything outside it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFileFor, contentTypeFor } from '../../electron/main/appFiles.js';

const ROOT = '/opt/airlock/out/renderer';

describe('appFileFor', () => {
  it('maps the app\'s paths into the renderer folder', () => {
    expect(appFileFor('app://airlock/', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(appFileFor('app://airlock/index.html', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(appFileFor('app://airlock/assets/index-abc.js?x=1#y', ROOT)).toBe(join(ROOT, 'assets', 'index-abc.js'));
  });

  it('never leaves the renderer folder', () => {
    for (const url of [
      'app://airlock/../../etc/passwd', 'app://airlock/%2e%2e/%2e%2e/etc/passwd', 'app://airlock/assets/..%2f..%2f..%2fetc%2fpasswd',
      'app://airlock/%00index.html', 'app://other/index.html', 'https://airlock/index.html', 'app://airlock/%E0%A4%A',
    ]) {
      const file = appFileFor(url, ROOT);
      expect(file === null || file.startsWith(`${ROOT}/`), url).toBe(true);
      expect(file, url).not.toBe('/etc/passwd');
    }
  });

  it('names content types for what the renderer ships', () => {
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x.exe')).toBe('application/octet-stream');
  });
});
