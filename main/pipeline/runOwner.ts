// Whether a run marked 'running' still has a live process behind it. A killed run keeps status
// 'running' in the store until the next run recovers (undoes) it; until then listings must not
// call it running. The owner is the pid recorded when the run started. (A run recorded before
// pids were stored has no owner to ask: the workspace lock is held by whoever lists the runs, so
// no other process can be running it.)

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** 'interrupted' for a 'running' run whose owning process is gone; the stored status otherwise. */
export function effectiveStatus(status: string, optionsJson: string | null): string {
  if (status !== 'running') return status;
  let pid = 0;
  try {
    pid = Number((JSON.parse(optionsJson ?? '{}') as { pid?: number }).pid) || 0;
  } catch {
    pid = 0;
  }
  return pidAlive(pid) ? 'running' : 'interrupted';
}
