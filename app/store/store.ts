// The playground's one store (zustand), in four slices:
//   scenario  the scenario shown, the last good one, the validation error of a rejected one
//   run       the engine run: status, the trace's Timeline (keyframes + derived lists),
//             a pending run that takes over when it has caught up with the playhead,
//             traceVersion, summary, failure
//   playback  the playhead (index into the trace, virtual time), the picture at the
//             playhead (always derived from the trace: nearest keyframe folded forward),
//             play/pause, speed, stepping mode, the quiet-gap cue
//   view      theme, reduced motion, linked selection/hover, time-space window, panel
// Side effects (the worker, requestIdleCallback folding, requestAnimationFrame playback)
// are driven from outside (drivers.ts) through `work()` and `tick()`, so the logic here
// is plain and testable.

import { createStore, type StoreApi } from 'zustand/vanilla';
import { validateScenario } from '../../engine/scenario/validate';
import type { Scenario, ScenarioError, ScenarioInput, StepInput } from '../../engine/scenario/types';
import { emptyState, type VisualState } from '../../engine/trace/state';
import type { TraceColumns } from '../../engine/trace/columns';
import { INT_COLS, STR_COLS } from '../../engine/trace/events';
import { isRunCancelled, type EngineClient, type Summary } from '../engine/client';
import type { TimeWindow, VcpuAction } from '../stage/contract';
import { THEMES, type ThemeName } from '../theme/palette';
import type { LinkView } from '../../engine/scenario/link';
import { PRESETS } from '../../engine/scenario/presets';
import { actionWords, stepForAction, stepTimeAt, withStep } from './actions';
import { firstAbove, lastBelow } from './ints';
import { advanceClock, clampSpeed } from './playback';
import { formatTime } from './printk';
import { Timeline } from './timeline';
import type { Chapter } from './traceIndex';

export type PanelId = 'narration' | 'hypercalls' | 'console' | 'interrupts' | 'raw' | 'scenario';
export const PANELS: PanelId[] = ['narration', 'hypercalls', 'console', 'interrupts', 'raw', 'scenario'];
/** The shell's dialogs (one at a time; while one is open, playground keys are off). */
export type DialogId = 'about' | 'record' | 'presets' | 'copy' | 'open';
/** Side panel: open or collapsed by the user, or 'auto' (collapsed in the projector theme on small screens). */
export type SidePanelPref = 'auto' | 'open' | 'closed';

/** Why a link or a file could not be opened (the playground keeps running what it ran). */
export interface OpenError {
  source: 'link' | 'file';
  /** Field path of a validation error ('' = the whole thing). */
  path: string;
  message: string;
}
export type RunStatus = 'idle' | 'running' | 'done' | 'failed';
export type MotionPref = 'system' | 'reduce' | 'full';

export interface ScenarioSlice {
  /** The scenario shown (its run is displayed or streaming). */
  input: ScenarioInput;
  scenario: Scenario | null;
  /** The last scenario whose run finished; an engine failure falls back to it. */
  lastGood: ScenarioInput | null;
  presetId: string | null;
  /** Why the last scenario offered was rejected (banner); the shown one keeps running. */
  error: ScenarioError | null;
  rejected: unknown;
  /** A link or file that could not be opened (its own banner). */
  openError: OpenError | null;
}

export interface RunSlice {
  status: RunStatus;
  /** The displayed trace. */
  timeline: Timeline | null;
  /** A re-simulation that replaces `timeline` once it has caught up with the playhead. */
  pending: Timeline | null;
  /** Changes whenever the displayed trace grows (throttled) or is replaced. */
  traceVersion: number;
  /** Events received for the newest run so far. */
  received: number;
  summary: Summary | null;
  failure: { message: string; input: ScenarioInput } | null;
}

export interface PlaybackSlice {
  /** Playhead: events [0, index) are folded into `picture`. */
  index: number;
  /** Playhead virtual time, ns (continuous while playing). */
  time: number;
  picture: VisualState;
  playing: boolean;
  speed: number;
  /** Step through every event (fn/fn_exit too), one at a time. */
  everyEvent: boolean;
  /** Pause when playback reaches a chapter. */
  stopAtChapters: boolean;
  /** The last quiet gap skipped: how long, and when (real ms) it was skipped. */
  skip: { ns: number; at: number } | null;
  /** Paused because the tab was hidden. */
  autoPaused: boolean;
  lastFrame: number | null;
}

export interface ViewSlice {
  theme: ThemeName;
  motion: MotionPref;
  systemReducedMotion: boolean;
  selectedEvent: number | null;
  hoveredEvent: number | null;
  /** Time-space window; null = the whole run. */
  window: TimeWindow | null;
  panel: PanelId;
  helpOpen: boolean;
  /** Sender of IPIs asked for from a vCPU's menu. */
  ipiSender: number;
  /** A short polite status line ("Added step …"). */
  notice: string | null;
  /** The raw hypercall last issued from the console, to show its result. */
  rawCall: { at: number; vcpu: number; op: string } | null;
  /** The side panel takes more of the width (wide /proc/interrupts, long log lines). */
  widePanel: boolean;
  /** Side panel shown or collapsed to a rail. */
  sidePanel: SidePanelPref;
  /** Presenter mode: full-screen stage, chapters, speaker notes; `.` = next chapter. */
  presenter: boolean;
  /** Embedded in an iframe (`?embed`): stage and transport only. */
  embed: boolean;
  /** The dialog open, if any. */
  dialog: DialogId | null;
  /** Text for the "copy this" dialog (when the clipboard is refused). */
  copyText: { label: string; text: string } | null;
}

export interface PlaygroundState {
  scenario: ScenarioSlice;
  run: RunSlice;
  playback: PlaybackSlice;
  view: ViewSlice;

  // engine
  attach(create: () => EngineClient): void;
  detach(): void;
  // scenario
  loadScenario(input: unknown, opts?: { presetId?: string | null; keepTime?: number | null }): boolean;
  appendStep(step: StepInput, words?: string): boolean;
  vcpuAction(cpu: number, action: VcpuAction): boolean;
  issueHypercall(vcpu: number, op: string, args: Record<string, unknown>): boolean;
  dismissError(): void;
  dismissFailure(): void;
  /**
   * Opens a scenario from a link or a file with its view (playhead, theme, panel,
   * window): validated first; an invalid one sets `openError` and what runs keeps running.
   */
  openShared(input: unknown, view: LinkView, source: OpenError['source']): boolean;
  /** A link or file that could not even be decoded. */
  reportOpenError(e: OpenError): void;
  dismissOpenError(): void;
  /** Moves the playhead to exactly `t` (and to event position `i` when it agrees with `t`). */
  seekExact(t: number, i?: number | null): void;
  // run (driven by drivers.ts)
  hasWork(): boolean;
  work(deadline: number): boolean;
  // playback
  tick(nowMs: number): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  boot(): void;
  reset(): void;
  seekIndex(i: number): void;
  seekTime(t: number): void;
  stepForward(): void;
  stepBack(): void;
  nextChapter(): void;
  prevChapter(): void;
  goToEnd(): void;
  setSpeed(s: number): void;
  setEveryEvent(on: boolean): void;
  setStopAtChapters(on: boolean): void;
  visibilityChanged(hidden: boolean): void;
  // view
  setTheme(t: ThemeName): void;
  setMotion(m: MotionPref): void;
  setSystemReducedMotion(on: boolean): void;
  selectEvent(i: number | null): void;
  hoverEvent(i: number | null): void;
  setWindow(w: TimeWindow | null): void;
  setPanel(p: PanelId): void;
  setHelpOpen(open: boolean): void;
  setIpiSender(cpu: number): void;
  setNotice(text: string | null): void;
  setWidePanel(on: boolean): void;
  setSidePanel(p: SidePanelPref): void;
  setPresenter(on: boolean): void;
  setDialog(d: DialogId | null): void;
  /** Shows text to copy by hand (the clipboard was refused). */
  showCopy(label: string, text: string): void;
}

export type PlaygroundStore = StoreApi<PlaygroundState>;

export interface StoreDeps {
  /** Embedded view (`?embed`). */
  embed?: boolean;
  /** Where the theme and motion preference persist (localStorage in the page). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Wall clock for throttling, ms. */
  now?: () => number;
  /** Called when a run is replaced because the engine failed (tests observe restarts). */
  onRestart?: () => void;
  /** Runs a function in a later task (default setTimeout 0). */
  defer?: (f: () => void) => void;
}

const THEME_KEY = 'xen-smp-playground.theme';
const MOTION_KEY = 'xen-smp-playground.motion';
/** traceVersion changes at most this often while a trace streams in, ms. */
export const TRACE_VERSION_MS = 150;

function readStored<T extends string>(storage: StoreDeps['storage'], key: string, allowed: readonly T[], dflt: T): T {
  try {
    const v = storage?.getItem(key);
    return v && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
  } catch {
    return dflt;
  }
}

export function reducedMotionOf(v: Pick<ViewSlice, 'motion' | 'systemReducedMotion'>): boolean {
  return v.motion === 'reduce' || (v.motion === 'system' && v.systemReducedMotion);
}

/** The first position worth showing: after the first moment (the domain exists). */
export function minIndex(tl: Timeline | null): number {
  if (!tl) return 0;
  const stops = tl.index.stops;
  if (stops.length) return stops.at(0);
  return tl.folded > 0 ? Math.min(tl.folded, 1) : 0;
}

/** A performance mark (the perf spec brackets engine runs with them); no-op without the API. */
function mark(name: string): void {
  try {
    globalThis.performance?.mark?.(name);
  } catch {
    /* marks are optional */
  }
}

export function createPlaygroundStore(initial: ScenarioInput, deps: StoreDeps = {}): PlaygroundStore {
  const now = deps.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  let client: EngineClient | null = null;
  let makeClient: (() => EngineClient) | null = null;
  let seq = 0;
  let queued: { input: ScenarioInput; keepTime: number | null } | null = null;
  /** The run in flight and the playhead it keeps (re-queued as it was if the engine is detached). */
  let inFlight: { input: ScenarioInput; keepTime: number | null } | null = null;
  /** Where the playhead goes when the pending run takes over (a link's moment). */
  let seekOnTakeover: { t: number; i: number | null } | null = null;
  let lastVersionBump = 0;
  let bumpQueued = false;
  const defer = deps.defer ?? ((f: () => void) => void setTimeout(f, 0));

  return createStore<PlaygroundState>()((set, get) => {
    const setScenario = (p: Partial<ScenarioSlice>) => set((s) => ({ scenario: { ...s.scenario, ...p } }));
    const setRun = (p: Partial<RunSlice>) => set((s) => ({ run: { ...s.run, ...p } }));
    const setPlayback = (p: Partial<PlaybackSlice>) => set((s) => ({ playback: { ...s.playback, ...p } }));
    const setView = (p: Partial<ViewSlice>) => set((s) => ({ view: { ...s.view, ...p } }));

    function startRun(input: ScenarioInput, keepTime: number | null): void {
      if (!client) {
        queued = { input, keepTime };
        setRun({ status: 'running' });
        return;
      }
      const id = ++seq;
      inFlight = { input, keepTime };
      mark(`xsp:run-start:${id}`);
      let tl: Timeline | null = null;
      const adopt = (cols: TraceColumns) => {
        if (tl) return tl;
        tl = new Timeline(cols);
        if (keepTime === null) {
          setRun({ timeline: tl, pending: null, traceVersion: get().run.traceVersion + 1 });
          setPlayback({ index: 0, time: 0, picture: emptyState(), playing: false, skip: null, lastFrame: null });
          setView({ selectedEvent: null, hoveredEvent: null, window: null });
        } else {
          setRun({ pending: tl });
        }
        return tl;
      };
      setRun({ status: 'running', received: 0, pending: null });
      client
        .run(input, {
          onProgress(cols) {
            if (id !== seq) return;
            adopt(cols);
            setRun({ received: cols.length });
          },
        })
        .then(
          ({ summary, cols }) => {
            if (id !== seq) return;
            inFlight = null;
            if (!summary.ok) {
              seekOnTakeover = null;
              // The engine refused it (validation should have caught this first).
              setScenario({ error: summary.error ?? { path: '', message: 'invalid scenario' }, rejected: input });
              restoreLastGood(tl);
              return;
            }
            mark(`xsp:run-end:${id}`);
            const t = adopt(cols);
            t.markComplete();
            setRun({ status: 'done', summary, received: cols.length });
            setScenario({ lastGood: input });
          },
          (e: unknown) => {
            if (id !== seq || isRunCancelled(e)) return;
            inFlight = null;
            seekOnTakeover = null;
            const message = e instanceof Error ? e.message : String(e);
            const failed = get().scenario.input;
            setRun({ status: 'failed', failure: { message, input: failed }, pending: null });
            // A fresh worker, and the last good scenario back on screen.
            client?.dispose();
            client = makeClient ? makeClient() : null;
            deps.onRestart?.();
            restoreLastGood(tl);
          },
        );
    }

    /**
     * Back to the last good scenario after a failed or refused run: if the failed run's
     * trace had replaced the picture (a new scenario), the last good one runs again;
     * if it was still pending (an edit at the playhead), the last good trace never left.
     */
    function restoreLastGood(failed: Timeline | null): void {
      const { lastGood } = get().scenario;
      const shown = get().run.timeline;
      setRun({ pending: null });
      if (!lastGood) {
        if (get().run.status === 'running') setRun({ status: 'idle' });
        return;
      }
      const v = validateScenario(lastGood);
      setScenario({ input: lastGood, scenario: v.ok ? v.scenario : null });
      const failedShown = failed !== null && shown === failed;
      if (failedShown || !shown) startRun(lastGood, null);
      else if (!shown.complete) startRun(lastGood, get().playback.time);
      else setRun({ status: 'done' });
    }

    /**
     * Tells the views the trace grew. Throttled (more for big traces: redrawing a
     * diagram of a million events is not free), and in a task of its own, so a fold
     * slice and the redraw it causes never add up to one long task.
     */
    function bumpVersion(force: boolean): void {
      const t = now();
      const folded = get().run.timeline?.folded ?? 0;
      const every = Math.max(TRACE_VERSION_MS, folded / 2000);
      if (bumpQueued || (!force && t - lastVersionBump < every)) return;
      bumpQueued = true;
      defer(() => {
        bumpQueued = false;
        lastVersionBump = now();
        setRun({ traceVersion: get().run.traceVersion + 1 });
      });
    }

    function showAt(tl: Timeline, index: number, from: VisualState | null): Partial<PlaybackSlice> {
      const i = Math.max(Math.min(minIndex(tl), tl.folded), tl.clamp(index));
      return { index: i, time: tl.timeAt(i), picture: tl.stateFrom(from, i), lastFrame: null };
    }

    const storage = deps.storage ?? null;
    const v0 = validateScenario(initial);

    return {
      scenario: {
        input: initial,
        scenario: v0.ok ? v0.scenario : null,
        lastGood: null,
        presetId: null,
        error: v0.ok ? null : v0.error,
        rejected: v0.ok ? null : initial,
        openError: null,
      },
      run: { status: 'idle', timeline: null, pending: null, traceVersion: 0, received: 0, summary: null, failure: null },
      playback: {
        index: 0,
        time: 0,
        picture: emptyState(),
        playing: false,
        speed: 1,
        everyEvent: false,
        stopAtChapters: false,
        skip: null,
        autoPaused: false,
        lastFrame: null,
      },
      view: {
        theme: readStored(storage, THEME_KEY, THEMES, 'light'),
        motion: readStored(storage, MOTION_KEY, ['system', 'reduce', 'full'] as const, 'system'),
        systemReducedMotion: false,
        selectedEvent: null,
        hoveredEvent: null,
        window: null,
        panel: 'narration',
        helpOpen: false,
        ipiSender: 0,
        notice: null,
        rawCall: null,
        widePanel: false,
        sidePanel: 'auto',
        presenter: false,
        embed: !!deps.embed,
        dialog: null,
        copyText: null,
      },

      attach(create) {
        makeClient = create;
        client = create();
        const q = queued;
        queued = null;
        if (q) startRun(q.input, q.keepTime);
        else if (!get().run.timeline && get().scenario.scenario) startRun(get().scenario.input, null);
      },
      detach() {
        client?.dispose();
        client = null;
        makeClient = null;
        seq++;
        const { run } = get();
        if (run.status === 'running') {
          // Start the same run again on attach, keeping the playhead it was asked to keep
          // (a link's moment survives React's development double mount).
          const keep = inFlight ? inFlight.keepTime !== null || !!run.pending : !!run.pending;
          queued = { input: inFlight?.input ?? get().scenario.input, keepTime: keep ? get().playback.time : null };
        }
        inFlight = null;
      },

      loadScenario(input, opts = {}) {
        const v = validateScenario(input);
        if (v.ok) seekOnTakeover = null;
        if (!v.ok) {
          setScenario({ error: v.error, rejected: input });
          return false;
        }
        const keepTime = opts.keepTime ?? null;
        setScenario({
          input: input as ScenarioInput,
          scenario: v.scenario,
          error: null,
          rejected: null,
          presetId: opts.presetId !== undefined ? opts.presetId : get().scenario.presetId,
        });
        if (keepTime === null) setPlayback({ playing: false });
        // A link's playhead: the run takes over at that time once it gets there.
        else if (!get().run.timeline) setPlayback({ time: keepTime, playing: false });
        startRun(input as ScenarioInput, keepTime);
        return true;
      },

      appendStep(step, words) {
        const { playback, scenario } = get();
        const ok = get().loadScenario(withStep(scenario.input, step), { keepTime: playback.time });
        if (ok && words) setView({ notice: `${words} at ${formatTime(Number(step.at ?? 0))}: simulating again…` });
        return ok;
      },

      vcpuAction(cpu, action) {
        const { playback, view } = get();
        const at = stepTimeAt(playback.time);
        return get().appendStep(stepForAction(cpu, action, at, view.ipiSender), actionWords(cpu, action, view.ipiSender));
      },

      issueHypercall(vcpu, op, args) {
        const at = stepTimeAt(get().playback.time);
        const ok = get().appendStep({ at, do: 'hypercall', vcpu, op, args } as StepInput, `${op} from vCPU ${vcpu}`);
        if (ok) setView({ rawCall: { at, vcpu, op } });
        return ok;
      },

      dismissError() {
        setScenario({ error: null, rejected: null });
      },
      dismissFailure() {
        setRun({ failure: null, status: get().run.status === 'failed' ? 'done' : get().run.status });
      },

      openShared(input, view, source) {
        const v = validateScenario(input);
        if (!v.ok) {
          setScenario({ openError: { source, path: v.error.path, message: v.error.message } });
          return false;
        }
        const t = typeof view.t === 'number' ? view.t : 0;
        const i = typeof view.i === 'number' && Number.isInteger(view.i) && view.i >= 0 ? view.i : null;
        // The view first: theme (for this visit only), panel, window, selection.
        const patch: Partial<ViewSlice> = { selectedEvent: null, hoveredEvent: null, window: null };
        if (typeof view.theme === 'string' && (THEMES as string[]).includes(view.theme)) patch.theme = view.theme as ThemeName;
        if (typeof view.panel === 'string' && (PANELS as string[]).includes(view.panel)) patch.panel = view.panel as PanelId;
        const w0 = view.w0;
        const w1 = view.w1;
        if (typeof w0 === 'number' && typeof w1 === 'number' && w0 >= 0 && w1 > w0) patch.window = { t0: w0, t1: w1 };
        if (typeof view.sel === 'number' && Number.isInteger(view.sel) && view.sel >= 0) patch.selectedEvent = view.sel;
        setScenario({ openError: null });
        const presetId = presetIdOf(input);
        const { run, scenario } = get();
        const tl = run.timeline;
        if (tl && tl.caughtUp && !run.pending && run.status === 'done' && JSON.stringify(scenario.input) === JSON.stringify(input)) {
          // The very run on screen: only the moment and the view change.
          setScenario({ error: null, rejected: null, presetId: presetId ?? scenario.presetId });
          setView(patch);
          get().seekExact(t, i);
          return true;
        }
        setPlayback({ playing: false, time: t, lastFrame: null, skip: null });
        if (!get().loadScenario(input, { presetId, keepTime: t })) return false;
        seekOnTakeover = { t, i };
        setView(patch);
        return true;
      },
      reportOpenError(e) {
        setScenario({ openError: e });
      },
      dismissOpenError() {
        setScenario({ openError: null });
      },
      seekExact(t, i = null) {
        const tl = get().run.timeline;
        if (!tl) return;
        const time = Math.max(0, Math.min(t, tl.endTime));
        const sh = showAt(tl, exactIndex(tl, time, i), get().playback.picture);
        setPlayback({ ...sh, time: Math.max(time, sh.time ?? 0), playing: false });
      },

      hasWork() {
        const { run } = get();
        return !!run.pending || (!!run.timeline && run.timeline.folded < run.timeline.cols.length);
      },

      work(deadline) {
        const { run, playback } = get();
        const p = run.pending;
        if (p) {
          p.extend(deadline);
          const t = playback.time;
          const ready = p.caughtUp || (p.folded > 0 && p.cols.t[p.folded - 1] > t);
          if (ready) {
            // The re-simulation has passed the playhead: it takes over at the same time.
            lastVersionBump = now();
            const old = run.timeline;
            const at = get().playback;
            setRun({ timeline: p, pending: null, traceVersion: run.traceVersion + 1 });
            // Same events up to the playhead: same index, the very same picture. Otherwise
            // (the engine re-timed something before the playhead) the same time.
            const want = seekOnTakeover;
            seekOnTakeover = null;
            if (want) {
              // A link's moment: its exact time, and its event position when that agrees.
              const t = p.caughtUp ? Math.min(want.t, p.endTime) : want.t;
              const sh = showAt(p, exactIndex(p, t, want.i), null);
              setPlayback({ ...sh, time: Math.max(t, sh.time ?? 0) });
              return get().hasWork();
            }
            const same = old !== null && !at.playing && at.index <= p.folded && samePrefix(old.cols, p.cols, at.index);
            const i = same ? at.index : p.indexAtTime(at.time);
            setPlayback({ ...showAt(p, i, null), time: at.time });
          }
          return get().hasWork();
        }
        const tl = run.timeline;
        if (tl && tl.folded < tl.cols.length) {
          tl.extend(deadline);
          const caught = tl.caughtUp;
          bumpVersion(caught);
          // A fresh run starts where the domain exists.
          if (playback.index === 0 && !playback.playing && tl.index.stops.length > 0) {
            setPlayback(showAt(tl, minIndex(tl), null));
          }
        } else if (tl && tl.complete && tl.folded === tl.cols.length && run.status === 'done') {
          bumpVersion(true);
        }
        return get().hasWork();
      },

      tick(nowMs) {
        const { playback: p, run } = get();
        const tl = run.timeline;
        if (!p.playing || !tl) return;
        const dt = p.lastFrame === null ? 0 : nowMs - p.lastFrame;
        const nextT = p.index < tl.folded ? tl.cols.t[p.index] : Infinity;
        let { vt, skipped } = advanceClock(p.time, dt, p.speed, nextT);
        let target = Math.max(p.index, tl.indexAtTime(vt));
        let playing = true;
        if (p.stopAtChapters) {
          const ch = tl.index.chapters.find((c) => c.pos > p.index && c.pos <= target);
          if (ch) {
            target = ch.pos;
            vt = tl.timeAt(target);
            playing = false;
          }
        }
        if (target >= tl.folded) {
          target = tl.folded;
          if (vt >= tl.endTime) {
            vt = tl.endTime;
            if (tl.caughtUp) playing = false;
          }
        }
        const skip = skipped > 0 ? { ns: skipped, at: nowMs } : p.skip && nowMs - p.skip.at < 2_500 ? p.skip : null;
        setPlayback({
          index: target,
          time: vt,
          picture: target !== p.index ? tl.stateFrom(p.picture, target) : p.picture,
          playing,
          skip,
          lastFrame: nowMs,
        });
      },

      play() {
        const { run, playback } = get();
        const tl = run.timeline;
        if (!tl) return;
        // At the end: play from the start.
        if (tl.caughtUp && playback.index >= tl.folded) setPlayback(showAt(tl, minIndex(tl), null));
        setPlayback({ playing: true, lastFrame: null, autoPaused: false });
      },
      pause() {
        setPlayback({ playing: false, lastFrame: null });
      },
      togglePlay() {
        if (get().playback.playing) get().pause();
        else get().play();
      },
      boot() {
        const tl = get().run.timeline;
        if (!tl) return;
        setPlayback({ ...showAt(tl, minIndex(tl), null), skip: null });
        get().play();
      },
      reset() {
        const tl = get().run.timeline;
        if (!tl) return;
        setPlayback({ ...showAt(tl, minIndex(tl), null), playing: false, skip: null });
      },
      seekIndex(i) {
        const { run, playback } = get();
        if (!run.timeline) return;
        setPlayback(showAt(run.timeline, i, playback.picture));
      },
      seekTime(t) {
        const tl = get().run.timeline;
        if (!tl) return;
        const i = tl.indexAtTime(t);
        setPlayback({ ...showAt(tl, i, get().playback.picture) });
        if (!get().playback.playing) return;
        setPlayback({ time: Math.max(get().playback.time, Math.min(t, tl.endTime)) });
      },
      stepForward() {
        const { run, playback: p } = get();
        const tl = run.timeline;
        if (!tl) return;
        let i: number;
        if (p.everyEvent) i = p.index + 1;
        else {
          const stops = tl.index.stops;
          const k = firstAbove(stops, p.index);
          i = k < stops.length ? stops.at(k) : tl.caughtUp ? tl.folded : p.index;
        }
        setPlayback({ ...showAt(tl, i, p.picture), playing: false });
      },
      stepBack() {
        const { run, playback: p } = get();
        const tl = run.timeline;
        if (!tl) return;
        let i: number;
        if (p.everyEvent) i = p.index - 1;
        else {
          const stops = tl.index.stops;
          const k = lastBelow(stops, p.index);
          i = k >= 0 ? stops.at(k) : minIndex(tl);
        }
        setPlayback({ ...showAt(tl, i, null), playing: false });
      },
      nextChapter() {
        const { run, playback: p } = get();
        const tl = run.timeline;
        if (!tl) return;
        const ch = tl.index.chapters.find((c: Chapter) => c.pos > p.index && c.pos <= tl.folded);
        if (ch) setPlayback({ ...showAt(tl, ch.pos, p.picture), playing: false });
      },
      prevChapter() {
        const { run, playback: p } = get();
        const tl = run.timeline;
        if (!tl) return;
        const chs = tl.index.chapters;
        let ch: Chapter | undefined;
        for (let j = chs.length - 1; j >= 0; j--) {
          if (chs[j].pos < p.index) {
            ch = chs[j];
            break;
          }
        }
        setPlayback({ ...showAt(tl, ch ? ch.pos : minIndex(tl), null), playing: false });
      },
      goToEnd() {
        const tl = get().run.timeline;
        if (!tl) return;
        setPlayback({ ...showAt(tl, tl.folded, get().playback.picture), playing: false });
      },
      setSpeed(s) {
        setPlayback({ speed: clampSpeed(s) });
      },
      setEveryEvent(on) {
        setPlayback({ everyEvent: on });
      },
      setStopAtChapters(on) {
        setPlayback({ stopAtChapters: on });
      },
      visibilityChanged(hidden) {
        if (hidden && get().playback.playing) {
          setPlayback({ playing: false, autoPaused: true, lastFrame: null });
          setView({ notice: 'Paused: the tab was hidden.' });
        }
      },

      setTheme(theme) {
        try {
          storage?.setItem(THEME_KEY, theme);
        } catch {
          /* storage full or denied: the theme still applies for this visit */
        }
        setView({ theme });
      },
      setMotion(motion) {
        try {
          storage?.setItem(MOTION_KEY, motion);
        } catch {
          /* as above */
        }
        setView({ motion });
      },
      setSystemReducedMotion(on) {
        setView({ systemReducedMotion: on });
      },
      selectEvent(i) {
        setView({ selectedEvent: i });
      },
      hoverEvent(i) {
        if (get().view.hoveredEvent !== i) setView({ hoveredEvent: i });
      },
      setWindow(w) {
        setView({ window: w });
      },
      setPanel(panel) {
        setView({ panel });
      },
      setHelpOpen(helpOpen) {
        setView({ helpOpen });
      },
      setIpiSender(ipiSender) {
        setView({ ipiSender });
      },
      setNotice(notice) {
        setView({ notice });
      },
      setWidePanel(widePanel) {
        setView({ widePanel });
      },
      setSidePanel(sidePanel) {
        setView({ sidePanel });
      },
      setPresenter(presenter) {
        setView({ presenter, dialog: null, helpOpen: false });
      },
      setDialog(dialog) {
        setView(dialog === 'copy' ? { dialog } : { dialog, copyText: null });
      },
      showCopy(label, text) {
        setView({ dialog: 'copy', copyText: { label, text } });
      },
    };
  });
}

/** The preset a scenario input is, unchanged, or null. */
export function presetIdOf(input: unknown): string | null {
  let j: string | undefined;
  try {
    j = JSON.stringify(input);
  } catch {
    return null;
  }
  return PRESETS.find((p) => JSON.stringify(p.input) === j)?.id ?? null;
}

/**
 * The playhead position for time `t`: `i` when it agrees with `t` (the event before it
 * is at or before `t`, the one at it after or at `t`), else just after the last event at
 * or before `t`.
 */
export function exactIndex(tl: Timeline, t: number, i: number | null): number {
  if (i !== null && i >= 0 && i <= tl.folded) {
    const before = i > 0 ? tl.cols.t[i - 1] : -Infinity;
    const at = i < tl.folded ? tl.cols.t[i] : Infinity;
    if (before <= t && at >= t) return i;
  }
  return tl.indexAtTime(t);
}

/** Do two traces hold the same events [0, n)? (Typed-array compare of the columns and the strings they use.) */
export function samePrefix(a: TraceColumns, b: TraceColumns, n: number): boolean {
  if (a.length < n || b.length < n) return false;
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>, len: number) => {
    for (let i = 0; i < len; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  if (!eq(a.t, b.t, n) || !eq(a.k, b.k, n) || !eq(a.ints, b.ints, n * INT_COLS) || !eq(a.strs, b.strs, n * STR_COLS)) return false;
  let maxId = -1;
  for (let i = 0; i < n * STR_COLS; i++) if (a.strs[i] > maxId) maxId = a.strs[i];
  for (let i = 0; i <= maxId; i++) if (a.strings[i] !== b.strings[i]) return false;
  return true;
}
