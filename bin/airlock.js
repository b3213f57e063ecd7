#!/usr/bin/env node
// The `airlock` command. The egress guard is installed before any engine module loads, so no
// code path of Airlock or its dependencies can reach the network from this process.
import { register } from 'tsx/esm/api';

register();
const { installEgressGuard } = await import('../main/net/egressGuard.ts');
installEgressGuard();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
