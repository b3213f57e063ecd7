// Errors cross the API as data, never as exceptions: a mistake the analyst can fix (a bad file,
// a bad contract line, a run they cancelled) keeps its message, file and line; anything else is
// a bug, logged loudly here and shown as one sentence saying so.
import { UserError } from '../contract/errors.js';
import { ModelLoadError } from '../models/modelLoadError.js';
import type { ApiError } from './contract.js';

/** Thrown to stop a run the analyst cancelled. */
export class RunCancelledError extends Error {
  constructor() {
    super('The run was cancelled. Everything it wrote was undone; the raw file stays in the vault.');
    this.name = 'RunCancelledError';
  }
}

export function toApiError(call: string, e: unknown): ApiError {
  if (e instanceof RunCancelledError) return { code: 'CANCELLED', message: e.message };
  if (e instanceof UserError) {
    // The desktop's words when the engine has them: the command line's advice is not the app's.
    const out: ApiError = { code: 'USER', message: e.appMessage ?? e.message };
    if (e.file) out.file = e.file;
    if (e.line) out.line = e.line;
    return out;
  }
  if (e instanceof ModelLoadError) return { code: 'USER', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`[airlock] ${call} failed unexpectedly:`, err);
  return { code: 'INTERNAL', message: `${call} failed: ${err.message}. This is a bug in Airlock, not in your data; the details are in the application log.` };
}
