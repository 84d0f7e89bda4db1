// EVTCHNOP_* (fact 5.4, 5.5): argument shapes → EventChannels operations.

import { type Handler, uint } from './types';

export const EVTCHNOP_HANDLERS: Record<string, Handler> = {
  EVTCHNOP_bind_ipi: (x, _c, a) => x.evtchn.bindIpi(a.vcpu),
  EVTCHNOP_bind_virq: (x, _c, a) => x.evtchn.bindVirq(a.virq, a.vcpu ?? 0),
  EVTCHNOP_send: (x, _c, a) => x.evtchn.send(a.port),
  EVTCHNOP_close: (x, _c, a) => x.evtchn.close(a.port),
  EVTCHNOP_unmask: (x, _c, a) => x.evtchn.unmask(a.port),
  EVTCHNOP_status: (x, _c, a) => x.evtchn.status(a.port),
  EVTCHNOP_bind_vcpu: (x, _c, a) => x.evtchn.bindVcpu(a.port, a.vcpu),
  EVTCHNOP_alloc_unbound: (x, _c, a) => x.evtchn.allocUnbound(a.dom, a.remote_dom),
  EVTCHNOP_init_control: (x, c, a) =>
    x.evtchn.fifo.initControl(a.vcpu === undefined ? c.id : (uint(a.vcpu) ?? -1), a.offset === undefined ? 0 : (uint(a.offset) ?? -1)),
  EVTCHNOP_expand_array: (x) => ({ ret: x.evtchn.fifo.expandArray() }),
  EVTCHNOP_set_priority: (x, _c, a) => x.evtchn.setPriority(a.port, a.priority),
};
