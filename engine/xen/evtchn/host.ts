// What the event-channel code needs from the rest of the hypervisor.

import type { TraceWriter } from '../../trace/writer';

export interface EvtchnHost {
  readonly trace: TraceWriter;
  /** vcpu_mark_events_pending (5.3.2): test-and-set evtchn_upcall_pending; kick on 0→1. */
  markEventsPending(v: number): void;
  /** evtchn_check_pollers (5.4.9). */
  checkPollers(port: number): void;
}
