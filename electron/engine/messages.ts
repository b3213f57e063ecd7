// Messages between the main process and the engine's utility process. Plain data only.
import type { ApiResult, EventName } from '../../main/api/contract.js';

/** Passed as the utility process's one argument (JSON). */
export interface EngineConfig {
  workspace: string;
  modelsDir: string;
  analyst: string;
  version: string;
}

export type ToEngine = { type: 'call'; id: number; name: string; input: unknown };

export type FromEngine =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'fatal'; message: string };
