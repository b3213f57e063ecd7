// Starts the engine in a utility process and talks to it: each call gets an id and a promise,
// events are handed to the window. If the engine dies, waiting calls get an error the analyst
// can act on and a fresh engine is started (it recovers any run that was cut short). A run that
// does not stop within a few seconds of being cancelled is ended by restarting the engine.
import { utilityProcess, type UtilityProcess } from 'electron';
import type { ApiResult, EventName } from '../../main/api/contract.js';
import type { EngineConfig, FromEngine } from '../engine/messages.js';
import { shellLog } from './log.js';

const CANCEL_GRACE_MS = 8_000;

export interface EngineHost {
  call(name: string, input: unknown): Promise<ApiResult<unknown>>;
  stop(): void;
}

export function startEngine(script: string, config: EngineConfig, onEvent: (name: EventName, payload: unknown) => void): EngineHost {
  let child: UtilityProcess | null = null;
  let nextId = 1;
  let stopping = false;
  const pending = new Map<number, { name: string; resolve: (r: ApiResult<unknown>) => void }>();

  const failAll = (message: string, code: 'INTERNAL' | 'CANCELLED') => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.resolve({ ok: false, error: { code, message: code === 'CANCELLED' && p.name === 'runFile' ? message : `${message} Try again.` } });
    }
  };

  const spawn = () => {
    const proc = utilityProcess.fork(script, [JSON.stringify(config)], { serviceName: 'Airlock engine', stdio: 'inherit' });
    child = proc;
    proc.on('message', (m: FromEngine) => {
      if (m.type === 'result') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.resolve(m.result);
      } else if (m.type === 'event') onEvent(m.name, m.payload);
      else if (m.type === 'fatal') shellLog(`engine: ${m.message}`);
    });
    proc.on('exit', (code) => {
      if (child !== proc) return;
      child = null;
      if (stopping) return;
      shellLog(`engine exited (code ${code}); restarting it`);
      failAll('The engine stopped unexpectedly and was restarted; anything it was writing was undone.', 'INTERNAL');
      spawn();
    });
  };
  spawn();

  const send = (name: string, input: unknown) => new Promise<ApiResult<unknown>>((resolve) => {
    const id = nextId++;
    pending.set(id, { name, resolve });
    if (!child) {
      pending.delete(id);
      resolve({ ok: false, error: { code: 'INTERNAL', message: 'The engine is not running. Restart Airlock.' } });
      return;
    }
    child.postMessage({ type: 'call', id, name, input });
  });

  return {
    async call(name, input) {
      if (name !== 'cancelRun') return send(name, input);
      const result = await send(name, input);
      const runCall = [...pending.values()].some((p) => p.name === 'runFile');
      if (runCall && child) {
        const proc = child;
        setTimeout(() => {
          if (child !== proc || ![...pending.values()].some((p) => p.name === 'runFile')) return;
          shellLog('the cancelled run did not stop in time; restarting the engine');
          failAll('The run was cancelled. Everything it wrote is undone when the engine restarts; the raw file stays in the vault.', 'CANCELLED');
          child = null;
          proc.kill();
          spawn();
        }, CANCEL_GRACE_MS);
      }
      return result;
    },
    stop() {
      stopping = true;
      child?.kill();
      child = null;
    },
  };
}
