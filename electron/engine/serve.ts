// Serves the API's handler table to the main process over the utility process's parent port:
// one engine for the app's life, off the window's event loop, so a long query never freezes
// the UI. Progress events are forwarded as they come.
import { createHandlers } from '../../main/api/handlers.js';
import type { EngineConfig, FromEngine, ToEngine } from './messages.js';

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!port) throw new Error('the Airlock engine must be started by the app as a utility process');
const send = (m: FromEngine) => port.postMessage(m);

let config: EngineConfig;
try {
  config = JSON.parse(process.argv[process.argv.length - 1]) as EngineConfig;
} catch {
  send({ type: 'fatal', message: 'the engine was started without its configuration' });
  process.exit(1);
}

const handlers = createHandlers({ ...config, emit: (name, payload) => send({ type: 'event', name, payload }) });

port.on('message', (e) => {
  const m = e.data as ToEngine;
  if (!m || m.type !== 'call' || typeof m.id !== 'number') return;
  void handlers.handle(m.name, m.input).then((result) => send({ type: 'result', id: m.id, result }));
});

const stop = () => {
  void handlers.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
send({ type: 'ready' });
