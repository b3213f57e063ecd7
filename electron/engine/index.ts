// The engine's utility process. The egress guard goes in before any other module is loaded
// (the rest arrives by dynamic import), so no dependency can open a socket even while loading.
import { installEgressGuard } from '../../main/net/egressGuard.js';

installEgressGuard();
await import('./serve.js');
