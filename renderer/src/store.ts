// The app's state between screens: where the analyst is, the file they dropped, the contract
// they are editing, the run they are looking at, and the run in progress with its progress.
// It orchestrates calls; every number it shows comes from the engine.
import { create } from 'zustand';
import type {
  ApiError, AppInfo, ApprovalMode, ContractDraft, JobEvent, ModelStatus, RunListView, RunProgress, RunView,
} from '../../main/api/contract.js';
import { call, errorOf } from './bridge.js';

export type Screen = 'start' | 'contract' | 'run' | 'quarantine' | 'review' | 'recipe' | 'export' | 'models' | 'audit';

export interface ActiveRun {
  file: string;
  contractLabel: string;
  stages: Partial<Record<RunProgress['stage'], RunProgress>>;
  latest: RunProgress['stage'] | null;
  startedAt: number;
  cancelling: boolean;
  /** the run's id, once its first progress report names it (a cancelled run is shown by it) */
  runId: string | null;
}

/**
 * A run's remediation job, going on in the engine after the run answered with its fast lane
 * (its events: api/contract.ts JobEvent). The app never waits on it: another file can be run.
 */
export interface JobView {
  runId: string;
  state: JobEvent['state'];
  stages: Partial<Record<RunProgress['stage'], RunProgress>>;
  latest: RunProgress['stage'] | null;
  cancelling: boolean;
  error?: string;
}

/** What the last run started in this window ended with. */
export interface RunOutcome {
  summary?: RunView;
  error?: ApiError;
  file: string;
}

interface State {
  screen: Screen;
  info: AppInfo | null;
  runs: RunListView[];
  runsError: ApiError | null;
  models: ModelStatus | null;
  /** true until the first look at the models folder has answered (so "none" is not said too early) */
  modelsLoading: boolean;
  runId: string | null;
  input: { path: string; name: string } | null;
  draft: ContractDraft | null;
  active: ActiveRun | null;
  /** remediation jobs by run id, as their events told */
  jobs: Record<string, JobView>;
  outcome: RunOutcome | null;
  /** bumped when a run's data changed (promotion, release), so open screens reload */
  revision: number;
  /** the pattern the Review screen opens on next (a cell edit just proposed from the quarantine) */
  reviewFocus: string | null;

  go(screen: Screen): void;
  openReview(clusterId: string): void;
  boot(): Promise<void>;
  refreshRuns(): Promise<void>;
  refreshModels(): Promise<void>;
  selectRun(runId: string, screen?: Screen): void;
  setInput(input: { path: string; name: string } | null): void;
  setDraft(draft: ContractDraft | null): void;
  startRun(opts: { yaml: string; approval: ApprovalMode; useModels: boolean; contractLabel: string }): Promise<void>;
  cancelRun(): Promise<void>;
  /** stops the remediation job of a run: the run is undone, as a cancelled run */
  cancelJob(runId: string): Promise<void>;
  progress(p: RunProgress): void;
  jobEvent(j: JobEvent): void;
  changed(summary?: RunView): void;
}

export const useApp = create<State>((set, get) => ({
  screen: 'start',
  info: null,
  runs: [],
  runsError: null,
  models: null,
  modelsLoading: true,
  runId: null,
  input: null,
  draft: null,
  active: null,
  jobs: {},
  outcome: null,
  revision: 0,
  reviewFocus: null,

  go: (screen) => set({ screen }),
  openReview: (clusterId) => set({ reviewFocus: clusterId, screen: 'review' }),

  async boot() {
    window.airlock.on('progress', (p) => get().progress(p));
    window.airlock.on('job', (j) => get().jobEvent(j));
    try {
      set({ info: await call('appInfo', {}) });
    } catch (e) {
      set({ runsError: errorOf(e) });
    }
    await Promise.all([get().refreshRuns(), get().refreshModels()]);
  },

  async refreshRuns() {
    try {
      const runs = await call('listRuns', {});
      set((s) => ({ runs, runsError: null, runId: s.runId ?? runs.find((r) => r.status !== 'failed')?.runId ?? null }));
    } catch (e) {
      set({ runsError: errorOf(e) });
    }
  },

  async refreshModels() {
    try {
      set({ models: await call('modelStatus', {}), modelsLoading: false });
    } catch {
      set({ models: null, modelsLoading: false });
    }
  },

  selectRun(runId, screen) {
    // Picking a run puts away the note of a run that did not start.
    set((s) => ({ runId, screen: screen ?? s.screen, outcome: s.outcome?.error ? null : s.outcome }));
    // The picker's status badge is read again with the run, so it never contradicts the screen.
    void get().refreshRuns();
  },
  setInput: (input) => set({ input }),
  setDraft: (draft) => set({ draft }),

  async startRun({ yaml, approval, useModels, contractLabel }) {
    const input = get().input;
    if (!input || get().active) return;
    set({ active: { file: input.name, contractLabel, stages: {}, latest: null, startedAt: Date.now(), cancelling: false, runId: null }, outcome: null, screen: 'run' });
    try {
      const saved = await call('saveContract', { yaml });
      const summary = await call('runFile', { file: input.path, contractPath: saved.path, approval, useModels, background: true });
      // A job that already ended (its event came before this answer) leaves the run to be read again.
      const job = get().jobs[summary.runId];
      const stale = summary.status === 'remediating' && !!job && job.state !== 'running';
      set({ outcome: stale ? null : { summary, file: input.name }, runId: summary.runId });
    } catch (e) {
      // The run the screen shows is this one, never the file before it: a cancelled run that was
      // recorded is read back (its banner says cancelled); one that was not leaves no run shown.
      const error = errorOf(e);
      const recorded = error.code === 'CANCELLED' ? get().active?.runId ?? null : null;
      set({ outcome: recorded ? null : { error, file: input.name }, runId: recorded });
    } finally {
      set((s) => ({ active: null, revision: s.revision + 1 }));
      await get().refreshRuns();
    }
  },

  async cancelRun() {
    const active = get().active;
    if (!active) return;
    set({ active: { ...active, cancelling: true } });
    await call('cancelRun', {}).catch(() => undefined);
  },

  async cancelJob(runId) {
    const job = get().jobs[runId];
    if (!job || job.state !== 'running') return;
    set((s) => ({ jobs: { ...s.jobs, [runId]: { ...job, cancelling: true } } }));
    await call('cancelRun', { runId }).catch(() => undefined);
  },

  jobEvent(j) {
    const before = get().jobs[j.runId];
    const stages = { ...before?.stages, ...(j.progress ? { [j.progress.stage]: j.progress } : {}) };
    const view: JobView = { runId: j.runId, state: j.state, stages, latest: j.progress?.stage ?? before?.latest ?? null, cancelling: before?.cancelling ?? false, error: j.error };
    set((s) => ({ jobs: { ...s.jobs, [j.runId]: view } }));
    // Ended: the run's counts, status and proposals are read again from the engine.
    if (j.state !== 'running') get().changed();
  },

  progress(p) {
    const active = get().active;
    if (!active) return;
    set({ active: { ...active, stages: { ...active.stages, [p.stage]: p }, latest: p.stage, runId: p.runId || active.runId } });
  },

  changed(summary) {
    // After any action the run's counts are read again: an action that returns the run replaces
    // the shown answer; one that does not drops it, so the screen reads the run from the engine.
    set((s) => ({
      revision: s.revision + 1,
      outcome: summary ? { summary, file: summary.input.name } : s.outcome?.error ? s.outcome : null,
    }));
    void get().refreshRuns();
  },
}));
