// The IPC router's checks: only the app's own page in its window, only calls of the contract,
// only inputs that fit the call's schema.
import { describe, expect, it } from 'vitest';
import { checkCall, type CallSender } from '../../electron/main/ipcGuard.js';

const app: CallSender = { frameUrl: 'app://airlock/index.html', isMainFrame: true, fromAppWindow: true };

describe('checkCall', () => {
  it('passes a well-formed call from the app window, with its checked input', () => {
    expect(checkCall(app, 'getRun', { runId: 'run_20250101_abc' })).toEqual({ ok: true, name: 'getRun', input: { runId: 'run_20250101_abc' } });
  });

  it('refuses a call from another origin, a sub-frame or another window', () => {
    for (const sender of [
      { ...app, frameUrl: 'https://example.org/' },
      { ...app, frameUrl: 'file:///tmp/x.html' },
      { ...app, frameUrl: undefined },
      { ...app, isMainFrame: false },
      { ...app, fromAppWindow: false },
    ]) {
      const r = checkCall(sender, 'listRuns', {});
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.message).toBe('This call did not come from the Airlock window and was refused.');
        expect(r.log).toMatch(/^refused IPC call "listRuns" from /);
      }
    }
  });

  it('refuses a name that is not a call of the API', () => {
    for (const name of ['shell.openExternal', 'constructor', '__proto__', 42, null]) {
      const r = checkCall(app, name, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/is not a call of the Airlock API/);
    }
  });

  it('refuses an input that does not fit the schema, naming the field', () => {
    const r = checkCall(app, 'exportRun', { runId: 'run_1', format: 'xlsx', includePii: false });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'exportRun: format: must be one of csv, parquet' } });
  });

  it('accepts the dev server page only when running in development', () => {
    const dev = { ...app, frameUrl: 'http://localhost:5173/' };
    expect(checkCall(dev, 'listRuns', {}).ok).toBe(false);
    expect(checkCall(dev, 'listRuns', {}, { devServerOrigin: 'http://localhost:5173' }).ok).toBe(true);
  });
});
