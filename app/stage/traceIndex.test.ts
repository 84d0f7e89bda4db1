import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { simulate } from '../../engine/simulate';
import { TraceColumns } from '../../engine/trace/columns';
import { Keyframes } from '../../engine/trace/keyframes';
import { IPI_COALESCED, IPI_DROPPED, IPI_HANDLED, IPI_SENT, IPI_STATUS_NAMES, lowerBound, TraceIndex, traceIndexFor, upperBound } from './traceIndex';

/** A tiny hand-written trace: two vCPUs, an IPI that two more sends coalesce into, a drop. */
function smallTrace(): TraceColumns {
  const c = new TraceColumns(8);
  c.push(0, 'domain', { max_vcpus: 2, dom0: 0, abi: '2l', max_port: 1023, pcpus: 2 });
  c.push(0, 'runstate', { vcpu: 0, state: 'running', pcpu: 0 });
  c.push(10, 'hc', { vcpu: 0, op: 'VCPUOP_up', args: { vcpu: 1 }, ret: 0 });
  c.push(20, 'runstate', { vcpu: 1, state: 'runnable', pcpu: -1 });
  c.push(30, 'runstate', { vcpu: 1, state: 'running', pcpu: 1 });
  c.push(35, 'hc', { vcpu: 1, op: 'EVTCHNOP_bind_ipi', args: { vcpu: 1 }, ret: -22, errno: 'EINVAL' });
  c.push(40, 'bind', { port: 5, type: 'ipi', vcpu: 1 });
  c.push(41, 'bind', { port: 6, type: 'ipi', vcpu: 1 });
  c.push(50, 'ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 5 }); // #8 pending
  c.push(60, 'ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 5 }); // #9
  c.push(60, 'coalesce', { port: 5 });
  c.push(70, 'ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 5 }); // #11
  c.push(70, 'coalesce', { port: 5 });
  c.push(80, 'handle', { cpu: 1, irq: 20, port: 5, name: 'resched1', vector: 'RESCHEDULE' });
  c.push(90, 'ipi_send', { from: 1, to: 1, vector: 'CALL_FUNCTION', port: 6 }); // #14
  c.push(95, 'close', { port: 6 });
  c.push(96, 'console', { cpu: 1, text: 'hello' });
  c.push(97, 'step', { index: 0, do: 'cpu_down', detail: { cpu: 1 } });
  c.push(100, 'runstate', { vcpu: 1, state: 'offline', pcpu: -1 });
  return c;
}

describe('TraceIndex', () => {
  it('builds per-vCPU runstate intervals, hypercall and console times', () => {
    const ix = new TraceIndex(smallTrace());
    expect(ix.update()).toBe(true);
    expect(ix.maxVcpus).toBe(2);
    const l1 = ix.lanes[1];
    expect(Array.from(l1.rsT.data.subarray(0, l1.rsT.length))).toEqual([20, 30, 100]);
    expect(Array.from(l1.rsState.data.subarray(0, l1.rsState.length))).toEqual([1, 0, 3]);
    expect(ix.runstateAt(1, 5)).toBe(3); // offline before its first change
    expect(ix.runstateAt(1, 25)).toBe(1);
    expect(ix.runstateAt(1, 30)).toBe(0);
    expect(ix.lanes[0].hcT.length).toBe(1);
    expect(ix.lanes[1].hcErr.data[0]).toBe(1); // the failed bind is marked as an error
    expect(ix.lanes[1].conIdx.data[0]).toBe(16);
    expect(ix.stepIdx.data[0]).toBe(17);
  });

  it('pairs each send with the handler run that answered it, coalesced sends with the pending one', () => {
    const ix = new TraceIndex(smallTrace());
    ix.update();
    expect(ix.ipiCount).toBe(4);
    const status = (id: number) => IPI_STATUS_NAMES[ix.ipiStatus.data[id]];
    expect([0, 1, 2, 3].map(status)).toEqual(['handled', 'coalesced', 'coalesced', 'dropped']);
    expect(ix.ipiEndIdx.data[0]).toBe(13); // the handle event
    expect(ix.ipiEndT.data[0]).toBe(80);
    expect(ix.ipiInto.data[1]).toBe(0);
    expect(ix.ipiInto.data[2]).toBe(0);
    expect(ix.ipiJoinT.data[1]).toBe(80); // absorbed by the one handler run
    expect(ix.ipiMerged.data[0]).toBe(2); // the handled send answered three sends (×3)
    expect(ix.maxIpiSpan).toBe(30);
    expect(ix.ipiEndIdx.data[3]).toBe(15); // dropped by the close
    expect(ix.ipiBySendIndex(9)).toBe(1);
    expect(ix.ipiBySendIndex(10)).toBe(-1);
    // Endpoints per lane, for hit testing.
    expect(ix.lanes[0].outT.length).toBe(3);
    expect(ix.lanes[1].inT.length).toBe(1);
  });

  it('gives the same index when built in small slices as the trace grows', () => {
    const full = smallTrace();
    const once = new TraceIndex(full);
    once.update();
    const growing = new TraceColumns(4);
    const sliced = new TraceIndex(growing);
    for (let from = 0; from < full.length; from += 3) {
      growing.appendChunk(full.chunk(from, Math.min(full.length, from + 3), growing.strings.length));
      while (!sliced.update(2)) {
        /* budgeted steps */
      }
    }
    expect(sliced.processed).toBe(full.length);
    expect(Array.from(sliced.ipiStatus.data.subarray(0, 4))).toEqual(Array.from(once.ipiStatus.data.subarray(0, 4)));
    expect(Array.from(sliced.ipiEndIdx.data.subarray(0, 4))).toEqual(Array.from(once.ipiEndIdx.data.subarray(0, 4)));
    expect(sliced.lanes[1].rsT.length).toBe(once.lanes[1].rsT.length);
  });

  it('pairs NMIs (all on port -1) by their target CPU', () => {
    const c = new TraceColumns();
    c.push(0, 'ipi_send', { from: 0, to: 1, vector: 'NMI', port: -1 });
    c.push(1, 'ipi_send', { from: 0, to: 2, vector: 'NMI', port: -1 });
    c.push(5, 'handle', { cpu: 2, irq: -1, port: -1, name: 'NMI', vector: 'NMI' });
    const ix = new TraceIndex(c);
    ix.update();
    expect(ix.ipiStatus.data[0]).toBe(IPI_SENT);
    expect(ix.ipiStatus.data[1]).toBe(IPI_HANDLED);
  });

  it('agrees with the fold (the stage arrows) on every IPI of the coalescing preset', () => {
    const scenario = JSON.parse(readFileSync('public/presets/ipi-coalescing.json', 'utf8'));
    const { cols } = simulate(scenario);
    const ix = traceIndexFor(cols);
    ix.update();
    expect(traceIndexFor(cols)).toBe(ix); // shared per trace
    const latest = new Keyframes(cols).latest;
    const statuses = [IPI_SENT, IPI_HANDLED, IPI_COALESCED, IPI_DROPPED];
    expect(latest.arrows.length).toBeGreaterThan(0);
    let coalesced = 0;
    for (const a of latest.arrows) {
      const id = ix.ipiBySendIndex(a.id);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(IPI_STATUS_NAMES[ix.ipiStatus.data[id]]).toBe(a.status);
      expect(statuses).toContain(ix.ipiStatus.data[id]);
      if (a.status === 'coalesced') coalesced++;
      if (a.tEnd >= 0) expect(ix.ipiEndT.data[id]).toBe(a.tEnd);
    }
    expect(coalesced).toBe(2); // the preset's lesson: two sends coalesce
  });

  it('starts afresh for a new trace object or one that shrank', () => {
    const a = smallTrace();
    const ix = traceIndexFor(a);
    ix.update();
    expect(traceIndexFor(smallTrace())).not.toBe(ix);
  });
});

describe('binary searches', () => {
  it('find the first ≥ / first > positions', () => {
    const a = [1, 2, 2, 2, 5];
    expect(lowerBound(a, 5, 2)).toBe(1);
    expect(upperBound(a, 5, 2)).toBe(4);
    expect(lowerBound(a, 5, 0)).toBe(0);
    expect(upperBound(a, 5, 9)).toBe(5);
    expect(lowerBound(a, 3, 9)).toBe(3); // respects the logical length
  });
});
