// The handler table: every call of the API contract, over one workspace. The desktop app serves
// it from the engine's utility process; the end-to-end tests bind the very same table into
// Chromium. Each handler checks its input against the contract's schema, and returns errors as
// data ({ ok: false, error }) so that nothing is thrown across IPC.
import { API, checkInput, isCallName, type ApiResult, type CallName, type CallOutput } from './contract.js';
import { toApiError } from './errors.js';
import { EngineSession, type CallImpl, type HandlerContext } from './session.js';
import { runCalls } from './calls/runs.js';
import { contractCalls } from './calls/contracts.js';
import { quarantineCalls } from './calls/quarantine.js';
import { quarantineRowCalls } from './calls/quarantineRow.js';
import { reviewCalls } from './calls/review.js';
import { exportCalls } from './calls/exports.js';
import { modelCalls } from './calls/models.js';
import { auditCalls } from './calls/audit.js';
import { recipeCalls } from './calls/recipe.js';
import { historyCalls } from './calls/history.js';
import { openCalls } from './calls/openPath.js';

export type { HandlerContext } from './session.js';

export type HandlerTable = { [K in CallName]: (input: unknown) => Promise<ApiResult<CallOutput<K>>> };

export interface Handlers {
  table: HandlerTable;
  /** dispatch by name, for a router that receives the name as data */
  handle(name: unknown, input: unknown): Promise<ApiResult<unknown>>;
  /** releases the workspace (waits for the call in progress) */
  close(): Promise<void>;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const session = new EngineSession(ctx);
  const impl: CallImpl = {
    ...runCalls(session),
    ...contractCalls(session),
    ...quarantineCalls(session),
    ...quarantineRowCalls(session),
    ...reviewCalls(session),
    ...exportCalls(session),
    ...modelCalls(session),
    ...auditCalls(session),
    ...recipeCalls(session),
    ...historyCalls(session),
    ...openCalls(session),
  };
  const table = {} as Record<CallName, (input: unknown) => Promise<ApiResult<unknown>>>;
  for (const name of Object.keys(API) as CallName[]) {
    table[name] = async (input: unknown) => {
      const checked = checkInput(name, input);
      if (!checked.ok) return { ok: false, error: { code: 'INVALID_INPUT', message: checked.message } };
      try {
        const run = impl[name] as (i: unknown) => Promise<unknown>;
        return { ok: true, value: await run(checked.value) };
      } catch (e) {
        return { ok: false, error: toApiError(name, e) };
      }
    };
  }
  return {
    table: table as HandlerTable,
    handle: (name, input) => (isCallName(name)
      ? table[name](input)
      : Promise.resolve({ ok: false, error: { code: 'INVALID_INPUT', message: `${String(name).slice(0, 60)} is not a call of the Airlock API.` } })),
    close: () => session.close(),
  };
}
