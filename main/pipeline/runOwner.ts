// Whether a run marked 'running' still has a live process behind it. A killed run keeps status
// 'running' in the store until the next run recovers (undoes) it; until then listings must not
// call it running. Whoever reads the store holds the workspace lock (store/workspaceLock.ts), an
// operating-system lock no other live process can hold at the same time: so a run or a job
// whose recorded owner is another process has no process behind it, whatever that pid now
// names (after a crash the pid is soon some unrelated process's, and asking the system whether
// it is alive said yes). A run recorded before pids were stored has no owner either.

/** Whether the recorded owner is this process: any other owner is gone (see above). */
export function ownedHere(pid: number | null): boolean {
  return pid === process.pid;
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
  return ownedHere(pid) ? 'running' : 'interrupted';
}
