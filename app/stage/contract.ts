// The contract between the app shell (store, transport, panels) and the stage (the
// pictures). The shell owns the trace and the playhead; the stage only draws what it
// is given and reports what the user points at or clicks. Both sides code against
// this file.

import type { TraceColumns } from '../../engine/trace/columns';
import type { VisualState } from '../../engine/trace/state';
import type { ThemeName } from '../theme/palette';

/** What a click on a vCPU card (or its menu) asks the shell to do at the playhead. */
export type VcpuAction = 'cpu_down' | 'cpu_up' | 'preempt' | 'irq_off' | 'irq_on' | 'ipi_resched' | 'ipi_callfunc';

export interface TimeWindow {
  /** Visible virtual-time window of the time-space diagram, ns. */
  t0: number;
  t1: number;
}

export interface StageProps {
  /** The trace so far; it grows while a run streams in (see traceVersion). */
  cols: TraceColumns;
  /** Changes whenever `cols` grows or a new run replaces it. */
  traceVersion: number;
  /** The picture at the playhead: events [0, index) folded. Read-only. */
  state: VisualState;
  /** Playhead as an event count (index of the next event to fold). */
  index: number;
  /** Playhead virtual time, ns. */
  time: number;
  /** Time of the last event of the trace, ns. */
  endTime: number;
  playing: boolean;
  /** Playback speed (virtual ns per real ns is irrelevant here: a factor 0.01..100). */
  speed: number;
  theme: ThemeName;
  reducedMotion: boolean;
  kernel: '4.0' | '2.6.23';
  guestType: 'pv' | 'hvm' | 'pvh';
  /** Event linked across views (hypercall log, console, diagram): selected / hovered. */
  selectedEvent: number | null;
  hoveredEvent: number | null;
  onSelectEvent(i: number | null): void;
  onHoverEvent(i: number | null): void;
  onVcpuAction(cpu: number, action: VcpuAction): void;
  /** Time-space diagram window (controlled by the shell; zoom and pan change it). */
  window: TimeWindow;
  onWindowChange(w: TimeWindow): void;
  /** A click in the diagram moves the playhead there. */
  onSeekTime(t: number): void;
  /**
   * Optional (added by the stage): bits per 2-level selector word — 64 for a 64-bit
   * guest (default), 32 for a 32-bit one (scenario `guest.bits`). Groups the port grid.
   */
  wordBits?: 32 | 64;
}

/**
 * Accessible names the stage must expose (e2e tests and screen readers use them):
 * - each vCPU card: role "group", name `vCPU <n>` (e.g. "vCPU 2"); inside it a button
 *   named `CPU <n> actions` that opens a menu (role "menu") whose items (role
 *   "menuitem") are named exactly: `Take CPU <n> offline`, `Bring CPU <n> online`,
 *   `Preempt vCPU <n> for 5 ms`, `Disable interrupts on CPU <n>`, `Enable interrupts
 *   on CPU <n>`, `Send a reschedule IPI to CPU <n>`, `Send a call-function IPI to CPU <n>`
 *   (items that make no sense in the current state are disabled, not hidden);
 *   the card's text states its Linux state, Xen state and runstate in words.
 * - the pCPU row: role "list" named `Physical CPUs`, items named `pCPU <k>: vCPU <n>`
 *   / `pCPU <k>: another domain` / `pCPU <k>: idle`.
 * - event channels: role "table" (or grid) named `Event channels`; each bound port is a
 *   cell named like `port 19 resched2: pending, masked` (states listed only when set).
 * - IPI arrows: role "img" named like `RESCHEDULE IPI from CPU 0 to CPU 1: handled`
 *   (or `: in flight`, `: coalesced`, `: dropped`).
 * - the legend: role "region" named `Legend`.
 * - the time-space diagram: role "img" named `Time-space diagram` with a text
 *   alternative (e.g. a visually hidden summary of what the visible window shows).
 */
export const ACCESSIBLE_NAMES_DOC = 'see comment above';
