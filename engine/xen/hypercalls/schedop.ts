// SCHEDOP_* (fact 6.2; xen/common/sched/core.c do_sched_op, vcpu_block_enable_events,
// do_poll, vcpu_yield).

import { EFAULT, EINVAL } from '../errno';
import { type Handler, ok, uint } from './types';

/** do_poll: at most 128 ports. */
export const POLL_MAX_PORTS = 128;

/** SHUTDOWN_* reasons (public/sched.h). */
export const SHUTDOWN_REASONS = ['poweroff', 'reboot', 'suspend', 'crash', 'watchdog'] as const;

/**
 * 6.2.1 SCHEDOP_yield: always 0. Credit1 re-inserts the caller behind one
 * lower-priority waiting unit; if it would be picked again it just keeps running.
 */
const yieldOp: Handler = (x, caller) => {
  if (!x.sched.yieldWouldSwitch(caller)) return ok();
  x.sched.descheduleSelf(caller, true);
  return { ret: 0, descheduled: true };
};

/**
 * 6.2.2 SCHEDOP_block: clear the upcall mask first (events enabled), then block — but
 * return at once if events already need delivery (the wakeup-waiting race).
 */
const block: Handler = (x, caller) => {
  x.shared.setUpcallMask(caller.id, 0);
  if (x.eventsNeedDelivery(caller)) return ok();
  caller.blocked = true;
  x.sched.descheduleSelf(caller);
  return { ret: 0, descheduled: true };
};

/**
 * 6.2.3 SCHEDOP_poll {ports, timeout?}: more than 128 ports → -EINVAL; events needing
 * delivery → 0 at once; then the ports in list order: an invalid one → -EINVAL, an
 * already pending one → 0 at once; otherwise block until evtchn_check_pollers (even for
 * a masked port), any upcall kick, or the absolute `timeout` (ns). Unlike block, the
 * upcall mask is left alone.
 */
const poll: Handler = (x, caller, args) => {
  const ports = args.ports;
  if (!Array.isArray(ports)) return ok(-EFAULT);
  if (ports.length > POLL_MAX_PORTS) return ok(-EINVAL);
  let timeout = 0;
  if (args.timeout !== undefined && args.timeout !== null) {
    const t = uint(args.timeout);
    if (t === undefined) return ok(-EFAULT);
    timeout = t;
  }
  if (x.eventsNeedDelivery(caller)) return ok();
  for (const p of ports) {
    if (!x.evtchn.ports.isValid(p)) return ok(-EINVAL);
    if (x.portIsPending(p)) return ok();
  }
  x.startPoll(caller, ports as number[], timeout);
  x.sched.descheduleSelf(caller);
  return { ret: 0, descheduled: true };
};

/** SCHEDOP_shutdown {reason}: poweroff/reboot/suspend/crash/watchdog or 0..4. */
const shutdown: Handler = (x, caller, args) => {
  const r = args.reason;
  const reason =
    typeof r === 'number' ? SHUTDOWN_REASONS[r] : (SHUTDOWN_REASONS as readonly string[]).includes(r as string) ? (r as string) : undefined;
  if (reason === undefined) return ok(-EINVAL);
  x.shutdownDomain(reason, caller);
  return { ret: 0, descheduled: true };
};

export const SCHEDOP_HANDLERS: Record<string, Handler> = {
  SCHEDOP_yield: yieldOp,
  SCHEDOP_block: block,
  SCHEDOP_poll: poll,
  SCHEDOP_shutdown: shutdown,
};
