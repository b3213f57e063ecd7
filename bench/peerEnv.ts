// Polars for the bench's peer script (bench/peer/polars_route.py): one venv OUTSIDE the repository
// (~/.cache/airlock/venv-bench), created from PyPI the first time `npm run bench -- --peer` needs
// it and brought to the pinned versions when they drift, so the repository never holds a
// virtualenv and every measurement names the Polars it ran.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const BENCH_VENV = join(homedir(), '.cache', 'airlock', 'venv-bench');

/** Exact pins (December 2026, Python 3.11). */
export const PEER_PACKAGES = ['polars==2.1.0', 'pyyaml==6.0.3'];

const PINNED_CHECK = `import importlib.metadata as m, sys
want = ${JSON.stringify(Object.fromEntries(PEER_PACKAGES.map((p) => p.split('=='))))}
def have(n):
    try: return m.version(n)
    except Exception: return None
sys.stdout.write(str(all(have(n) == v for n, v in want.items())))`;

/** The venv's python, installed (or brought to the pinned versions) when needed. Idempotent. */
export function peerPython(): string {
  const python = join(BENCH_VENV, 'bin', 'python');
  const complete = () => existsSync(python) && execFileSync(python, ['-c', PINNED_CHECK], { encoding: 'utf8' }) === 'True';
  if (complete()) return python;
  mkdirSync(join(homedir(), '.cache', 'airlock'), { recursive: true });
  process.stderr.write(`  creating ${BENCH_VENV} (${PEER_PACKAGES.join(', ')}) ...\n`);
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', BENCH_VENV], { stdio: 'inherit', timeout: 300_000 });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PEER_PACKAGES], { stdio: 'inherit', timeout: 900_000 });
  if (!complete()) throw new Error(`${BENCH_VENV}: the pinned packages (${PEER_PACKAGES.join(', ')}) did not install`);
  return python;
}
