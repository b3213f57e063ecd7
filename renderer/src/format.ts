// How numbers, sizes, durations and times read on screen.
const nf = new Intl.NumberFormat('en-US');

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : nf.format(n));

/** "1 failing cell", "2 failing cells", "1,204 rows": a count with its noun in the right number. */
export const counted = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function percent(share: number | null | undefined, digits = 0): string {
  if (share === null || share === undefined) return '–';
  return `${(share * 100).toFixed(digits)}%`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false })}`;
}

/** A run id without its `run_` prefix and date noise, for tight spaces. */
export function shortRun(runId: string): string {
  // Run ids are run_<date>T<time>_<random> (newRunId); older ones had no 'T'.
  const m = /^run_(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})\d{2}_([0-9a-f]+)$/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} · ${m[6]}` : runId;
}

export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
