// Actions at the playhead, beside the vCPU cards' own menus: boot/reset, and for a chosen
// CPU: offline/online, preempt, interrupts off/on, and an IPI from a chosen sender.
// Each appends a CONTRACT step at the playhead and simulates again.

import { useId, useState } from 'react';
import { usePlayground, useActions } from '../store/context';
import type { VcpuAction } from '../stage/contract';

export function ActionsBar() {
  const actions = useActions();
  const n = usePlayground((s) => s.scenario.scenario?.guest.vcpus ?? 0);
  const sender = usePlayground((s) => s.view.ipiSender);
  const hasTrace = usePlayground((s) => !!s.run.timeline);
  const [cpu, setCpu] = useState(1);
  const [vector, setVector] = useState<'ipi_resched' | 'ipi_callfunc'>('ipi_resched');
  const u = useId();
  const target = Math.min(cpu, Math.max(0, n - 1));
  const act = (a: VcpuAction) => actions.vcpuAction(target, a);
  const cpus = Array.from({ length: n }, (_, i) => i);
  return (
    <div role="toolbar" aria-label="Actions at the playhead" className="actions-bar">
      <div className="group">
        <button type="button" className="primary" disabled={!hasTrace} onClick={actions.boot}>
          Boot
        </button>
      </div>
      <div className="group">
        <select id={`${u}-cpu`} aria-label="CPU to act on" value={target} onChange={(e) => setCpu(Number(e.target.value))}>
          {cpus.map((c) => (
            <option key={c} value={c}>
              CPU {c}
            </option>
          ))}
        </select>
        <button type="button" disabled={!hasTrace} onClick={() => act('cpu_down')} aria-label={`Take CPU ${target} offline`}>
          Offline
        </button>
        <button type="button" disabled={!hasTrace} onClick={() => act('cpu_up')} aria-label={`Bring CPU ${target} online`}>
          Online
        </button>
        <button type="button" disabled={!hasTrace} onClick={() => act('preempt')} aria-label={`Preempt vCPU ${target} for 5 ms`} title="Xen takes the vCPU's pCPU away for 5 ms">
          Preempt
        </button>
        <button type="button" disabled={!hasTrace} onClick={() => act('irq_off')} aria-label={`Disable interrupts on CPU ${target}`}>
          IRQs off
        </button>
        <button type="button" disabled={!hasTrace} onClick={() => act('irq_on')} aria-label={`Enable interrupts on CPU ${target}`}>
          IRQs on
        </button>
      </div>
      <div className="group">
        <label htmlFor={`${u}-vec`}>IPI</label>
        <select id={`${u}-vec`} value={vector} onChange={(e) => setVector(e.target.value as typeof vector)}>
          <option value="ipi_resched">RESCHEDULE</option>
          <option value="ipi_callfunc">CALL_FUNCTION</option>
        </select>
        <select id={`${u}-from`} aria-label="IPI sender" value={Math.min(sender, Math.max(0, n - 1))} onChange={(e) => actions.setIpiSender(Number(e.target.value))}>
          {cpus.map((c) => (
            <option key={c} value={c}>
              from CPU {c}
            </option>
          ))}
        </select>
        <button type="button" disabled={!hasTrace} onClick={() => act(vector)} aria-label={`Send the IPI to CPU ${target}`}>
          Send
        </button>
      </div>
    </div>
  );
}
