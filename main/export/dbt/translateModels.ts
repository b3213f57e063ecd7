// Model statements translated for Spark in a thread with a large stack (sparkModelWorker.mjs),
// called synchronously: the project is built by pure synchronous functions (dbtProject.ts). The
// caller blocks on a shared flag until the thread has posted its answer, then reads it from the
// reply port without waiting for the event loop (receiveMessageOnPort).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Translation } from './translateExpression.js';

/** Enough for statements far larger than any model a contract compiles to (1 MB was not). */
const STACK_MB = 256;
/** The thread's start (TypeScript loader, the SQL library's WebAssembly) plus a large project. */
const TIMEOUT_MS = 300_000;

let thread: { worker: Worker; reply: MessagePort } | null = null;

function start(): { worker: Worker; reply: MessagePort } {
  if (thread) return thread;
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./sparkModelWorker.mjs', import.meta.url), {
    workerData: { reply: port2 },
    transferList: [port2],
    resourceLimits: { stackSizeMb: STACK_MB },
    execArgv: [],
  });
  // the thread never keeps the process alive; it ends with it
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    thread = null;
  });
  thread = { worker, reply: port1 };
  return thread;
}

/** The Spark translation of each model's SQL (sparkModel.ts translateModelSql), in order. */
export function translateModelsForSpark(sqls: string[]): Translation[] {
  if (sqls.length === 0) return [];
  const { worker, reply } = start();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ sqls, signal });
  if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') {
    throw new Error(`translating ${sqls.length} model(s) for Spark took longer than ${TIMEOUT_MS / 1000} s`);
  }
  const msg = receiveMessageOnPort(reply)?.message as { ok: true; translations: Translation[] } | { ok: false; error: string } | undefined;
  if (!msg) throw new Error('the Spark translation thread gave no answer');
  if (!msg.ok) throw new Error(`the Spark translation thread failed: ${msg.error}`);
  return msg.translations;
}
