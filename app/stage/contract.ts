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
}
