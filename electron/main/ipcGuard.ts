// The IPC router's checks, as a pure decision: a call is served only when it comes from the
// app's own page in the app's window (its main frame, not a sub-frame or another window), names
// a call of the API contract, and carries an input that fits that call's schema.
import { checkInput, isCallName, type ApiError, type CallName } from '../../main/api/contract.js';
import { isAppUrl } from './origin.js';

export interface CallSender {
  /** URL of the frame that sent the message */
  frameUrl: string | undefined;
  /** the sender is the top frame of its page */
  isMainFrame: boolean;
  /** the page belongs to the app's own window */
  fromAppWindow: boolean;
}

export type CallCheck = { ok: true; name: CallName; input: unknown } | { ok: false; error: ApiError; log: string };

export function checkCall(sender: CallSender, name: unknown, input: unknown, opts: { devServerOrigin?: string } = {}): CallCheck {
  const url = sender.frameUrl ?? '';
  const fromApp = isAppUrl(url) || (!!opts.devServerOrigin && url.startsWith(`${new URL(opts.devServerOrigin).origin}/`));
  if (!sender.fromAppWindow || !sender.isMainFrame || !fromApp) {
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'This call did not come from the Airlock window and was refused.' },
      log: `refused IPC call ${JSON.stringify(String(name).slice(0, 60))} from ${url || 'an unknown frame'} (main frame: ${sender.isMainFrame}, app window: ${sender.fromAppWindow})`,
    };
  }
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${String(name).slice(0, 60)} is not a call of the Airlock API.` }, log: `refused unknown IPC call ${JSON.stringify(String(name).slice(0, 60))}` };
  }
  const checked = checkInput(name, input);
  if (!checked.ok) return { ok: false, error: { code: 'INVALID_INPUT', message: checked.message }, log: `refused IPC call ${name}: ${checked.message}` };
  return { ok: true, name, input: checked.value };
}
