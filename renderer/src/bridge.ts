// The renderer's only door to the engine: window.airlock (the preload's bridge in the app, the
// test bridge in Chromium). Types come from the API contract; nothing else from main/ is used.
import type { AirlockBridge, ApiError, CallInput, CallName, CallOutput } from '../../main/api/contract.js';

declare global {
  interface Window {
    airlock: AirlockBridge;
  }
}

/** A call that came back with an error: the message is for the analyst, as the engine wrote it. */
export class CallFailed extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'CallFailed';
  }
}

export async function call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const fn = window.airlock[name] as unknown as (i: CallInput<K>) => Promise<{ ok: true; value: CallOutput<K> } | { ok: false; error: ApiError }>;
  const r = await fn(input);
  if (!r.ok) throw new CallFailed(r.error);
  return r.value;
}

/** An ApiError for anything a call threw (a bridge failure reads as a bug, not the analyst's fault). */
export function errorOf(e: unknown): ApiError {
  if (e instanceof CallFailed) return e.error;
  return { code: 'INTERNAL', message: `Airlock could not reach its engine: ${(e as Error)?.message ?? String(e)}. Restart the app.` };
}

export function pathForFile(file: File): string {
  return window.airlock.pathForFile(file);
}
