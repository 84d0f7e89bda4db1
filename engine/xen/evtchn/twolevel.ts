// The 2-level event ABI, hypervisor side (fact 5.3, xen/common/event_2l.c).

import type { SharedMemory } from '../shared';
import type { EvtchnHost } from './host';

/**
 * evtchn_2l_set_pending (5.3.1), in this strict order:
 *  1. test-and-set PENDING; if it was already set the send coalesces: no selector
 *     edge, no upcall and no poller wake-up (§9.1);
 *  2. if the port is not masked and the selector bit of the NOTIFY vCPU was clear,
 *     set it and mark events pending (which kicks only on an upcall_pending 0→1, §9.2);
 *  3. check pollers whether or not the port is masked (§9.7).
 */
export function set2lPending(sh: SharedMemory, host: EvtchnHost, notify: number, port: number): void {
  if (sh.testAndSetPending(port)) {
    host.trace.emit('coalesce', { port });
    return;
  }
  if (!sh.isMasked(port) && !sh.testAndSetSelBit(notify, Math.floor(port / sh.bitsPerWord))) {
    host.markEventsPending(notify);
  }
  host.checkPollers(port);
}

/**
 * evtchn_2l_unmask (5.3.5): only if the mask bit was set, clear it; then if the port
 * is pending and the notify vCPU's selector bit was clear, set it and mark events
 * pending.
 */
export function unmask2l(sh: SharedMemory, host: EvtchnHost, notify: number, port: number): void {
  if (sh.clearMask(port) && sh.isPending(port) && !sh.testAndSetSelBit(notify, Math.floor(port / sh.bitsPerWord))) {
    host.markEventsPending(notify);
  }
}
