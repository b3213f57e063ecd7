// The thread that translates model statements for Spark (translateModels.ts). The SQL library
// walks a statement's tree recursively, and a model as large as hospital's working-copy checks
// needs more stack than the main thread's 1 MB: this thread is started with its own, larger stack.
// It loads TypeScript itself (the CLI registers tsx in the main thread only), and installs the
// egress guard first, as the main thread does, so this thread cannot reach the network either.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { installEgressGuard } = await import('../../net/egressGuard.ts');
installEgressGuard();
const { translateModelSql } = await import('./sparkModel.ts');

/** @type {import('node:worker_threads').MessagePort} */
const reply = workerData.reply;
parentPort.on('message', ({ sqls, signal }) => {
  let out;
  try {
    out = { ok: true, translations: sqls.map((sql) => translateModelSql(sql)) };
  } catch (e) {
    out = { ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  reply.postMessage(out);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
