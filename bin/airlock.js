#!/usr/bin/env node
// The `airlock` command. The egress guard is installed before any engine module loads, so no
// code path of Airlock or its dependencies can reach the network from this process.
import { register } from 'tsx/esm/api';

register();
const { installEgressGuard, onEgressAttempt } = await import('../main/net/egressGuard.ts');
installEgressGuard();
// Every blocked attempt is said out loud: it is a bug (or an attack) to look into.
onEgressAttempt((a) => process.stderr.write(`airlock: blocked a network attempt (${a.channel} to ${a.target}) at ${a.at}\n`));
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
