// Every test file runs with the engine's egress guard installed, exactly as the CLI and the app
// do: a test that reached the network would fail here rather than pass by accident.
import { installEgressGuard } from '../../main/net/egressGuard.js';

installEgressGuard();
