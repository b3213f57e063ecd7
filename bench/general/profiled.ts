// The profiled half of the benchmark: the contract `airlock profile` proposes from the dirty file
// itself, used unedited, then the same run / release / export as the hand-written contract
// (runCli). It answers how far a user gets who has no contract and accepts the proposal as it is.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AIRLOCK, node, runCli, type CliOutcome } from './run.js';

/** The label of the profiled contract in reports, beside the hand-written contracts' labels. */
export const PROFILED = 'profiled';

export interface ProfiledOutcome extends CliOutcome {
  /** DIR/profiled.odcs.yaml: the proposed contract, kept with the run's directory */
  contract: string;
  /** wall time of `airlock profile` (not included in `ms`, which stays the run's own time) */
  profileMs: number;
}

/** `airlock profile DIRTY --out DIR/profiled.odcs.yaml`, then runCli with that contract in DIR. */
export async function runProfiled(dirty: string, dir: string): Promise<ProfiledOutcome> {
  mkdirSync(dir, { recursive: true });
  const contract = join(dir, 'profiled.odcs.yaml');
  const t0 = Date.now();
  const p = await node([AIRLOCK, 'profile', dirty, '--out', contract]);
  const profileMs = Date.now() - t0;
  if (p.status !== 0) {
    const tail = p.stderr.trim().split('\n').slice(-3).join(' | ');
    return { ok: false, error: `profile exit ${p.status}: ${tail}`, ms: 0, cleanCsv: join(dir, 'out', 'clean.csv'), quarantineCsv: join(dir, 'out', 'quarantine.csv'), contract, profileMs };
  }
  return { ...(await runCli(dirty, contract, dir)), contract, profileMs };
}
