// The main process's entry. The egress guard goes in before anything else is loaded: the rest
// of the app arrives by dynamic import after it (Electron waits for this module, top-level
// await included, before it emits ready).
import { installEgressGuard } from '../../main/net/egressGuard.js';

installEgressGuard();
await import('./app.js');
