import { describe, expect, it } from 'vitest';
import { Sim } from '../sim/sim';
import { sha256Hex } from '../sim/sha256';
import { canonicalJson, canonicalLine, traceHash } from './canonical';
import { TraceColumns } from './columns';
import type { TraceEvent } from './events';
import { applyEvent } from './fold';
import { Keyframes } from './keyframes';
import { emptyState } from './state';
import { TraceWriter } from './writer';

/** A varied little trace: optional fields present and absent, JSON fields, repeated strings. */
function sample(n = 300): TraceColumns {
  const sim = new Sim(3);
  const w = new TraceWriter(sim);
  w.emit('domain', { max_vcpus: 4, dom0: 0, abi: '2l', max_port: 1023, pcpus: 2 });
  for (let i = 0; i < n; i++) {
    sim.now = i * 1000;
    const v = i % 4;
    switch (i % 7) {
      case 0:
        w.emit('hc', { vcpu: v, op: 'EVTCHNOP_send', args: { port: i % 9 }, ret: 0 });
        break;
      case 1:
        w.emit('bind', { port: 1 + (i % 9), type: i % 2 ? 'ipi' : 'virq', vcpu: v, ...(i % 2 ? {} : { virq: 'TIMER' }) });
        break;
      case 2:
        w.emit('pend', { port: 1 + (i % 9), v: i % 2 });
        break;
      case 3:
        w.emit('runstate', { vcpu: v, state: ['running', 'runnable', 'blocked', 'offline'][i % 4], pcpu: i % 4 === 0 ? i % 2 : -1 });
        break;
      case 4:
        w.emit('sel', { vcpu: v, word: i % 3, v: i % 2 });
        break;
      case 5:
        w.emit('poll', { vcpu: v, v: i % 2, ports: [1, i % 5] });
        break;
      default:
        w.emit('close', { port: 1 + (i % 9) });
    }
  }
  return w.cols;
}

describe('TraceColumns', () => {
  it('round-trips events through the columns (optional fields absent stay absent)', () => {
    const sim = new Sim(1);
    const w = new TraceWriter(sim);
    const evs: TraceEvent[] = [
      { t: 0, k: 'hc', vcpu: 1, op: 'VCPUOP_up', args: { vcpu: 2, nested: { b: [1, 2], a: null } }, ret: -22, errno: 'EINVAL' },
      { t: 0, k: 'bind', port: 3, type: 'ipi', vcpu: 0 },
      { t: 0, k: 'bind', port: 4, type: 'virq', vcpu: 1, virq: 'TIMER' },
      { t: 0, k: 'lock', cpu: 1, lock: 9, action: 'spin' },
      { t: 0, k: 'pcpu', pcpu: 0, dom: 'idle', vcpu: -1 },
    ];
    for (const e of evs) {
      const { t: _t, k, ...f } = e as unknown as Record<string, unknown>;
      w.emit(k as never, f as never);
    }
    const back = evs.map((_, i) => w.cols.get(i));
    expect(back).toEqual(evs);
    expect('errno' in back[1]).toBe(false);
    expect('virq' in back[1]).toBe(false);
  });

  it('grows past its initial capacity', () => {
    const c = new TraceColumns(2);
    for (let i = 0; i < 100; i++) c.push(i, 'close', { port: i });
    expect(c.length).toBe(100);
    expect(c.get(99)).toEqual({ t: 99, k: 'close', port: 99 });
    expect(c.get(0)).toEqual({ t: 0, k: 'close', port: 0 });
  });

  it('patch fills in fields of an event already written', () => {
    const sim = new Sim(1);
    const w = new TraceWriter(sim);
    const i = w.emit('hc', { vcpu: 0, op: 'EVTCHNOP_bind_ipi', args: { vcpu: 1 }, ret: 0 });
    w.emit('bind', { port: 5, type: 'ipi', vcpu: 1 });
    w.patch(i, 'ret', -2);
    w.patch(i, 'errno', 'ENOENT');
    w.patch(i, 'out', { port: 5 });
    expect(w.cols.get(i)).toEqual({ t: 0, k: 'hc', vcpu: 0, op: 'EVTCHNOP_bind_ipi', args: { vcpu: 1 }, ret: -2, errno: 'ENOENT', out: { port: 5 } });
    w.patch(i, 'errno', undefined);
    expect('errno' in w.cols.get(i)).toBe(false);
    expect(() => w.patch(i, 'nope', 1)).toThrow(/no field/);
  });

  it('writer stops the sim at its event limit', () => {
    const sim = new Sim(1);
    const w = new TraceWriter(sim);
    w.limit = 3;
    for (let i = 0; i < 3; i++) w.emit('close', { port: i });
    expect(sim.isStopped).toBe(true);
  });

  it('chunk/appendChunk rebuild the same trace, strings sent once', () => {
    const src = sample();
    const dst = new TraceColumns(8);
    let known = 0;
    const sizes = [1, 50, 0, 77, 200];
    let from = 0;
    for (const sz of sizes) {
      const to = Math.min(src.length, from + sz);
      const ch = src.chunk(from, to, known);
      known += ch.strings.length;
      dst.appendChunk(ch);
      from = to;
    }
    expect(dst.length).toBe(src.length);
    for (let i = 0; i < src.length; i++) expect(canonicalLine(dst.get(i))).toBe(canonicalLine(src.get(i)));
    expect(traceHash(dst)).toBe(traceHash(src));
  });

  it('appendChunk rejects chunks out of order', () => {
    const src = sample(20);
    const dst = new TraceColumns();
    expect(() => dst.appendChunk(src.chunk(5, 10, 0))).toThrow(/out of order/);
    dst.appendChunk(src.chunk(0, 5, 0));
    expect(() => dst.appendChunk(src.chunk(5, 10, 0))).toThrow(/strings out of order/);
  });
});

describe('canonical form', () => {
  it('orders keys t, k, then schema order; JSON values with sorted keys; optional omitted', () => {
    const e: TraceEvent = { t: 5, k: 'hc', vcpu: 1, op: 'X', args: { z: 1, a: [{ d: 2, c: 1 }] }, ret: 0 };
    expect(canonicalLine(e)).toBe('{"t":5,"k":"hc","vcpu":1,"op":"X","args":{"a":[{"c":1,"d":2}],"z":1},"ret":0}');
    expect(canonicalJson({ b: undefined, a: NaN })).toBe('{"a":null}');
  });

  it('traceHash is the SHA-256 of the canonical lines, each ending in a newline', () => {
    const c = sample(100);
    let text = '';
    for (let i = 0; i < c.length; i++) text += canonicalLine(c.get(i)) + '\n';
    expect(traceHash(c)).toBe(sha256Hex(text));
    expect(traceHash(c, 10)).not.toBe(traceHash(c));
  });
});

describe('Keyframes', () => {
  it('at(i) equals folding events [0, i) from the empty state, for every i', () => {
    const c = sample(250);
    const kf = new Keyframes(c, 16);
    for (let i = 0; i <= c.length; i++) {
      const s = emptyState();
      for (let j = 0; j < i; j++) applyEvent(s, c.get(j));
      expect(kf.at(i)).toEqual(s);
    }
  });

  it('advance moves forward in place and falls back to at() going back', () => {
    const c = sample(120);
    const kf = new Keyframes(c, 16);
    const s = kf.at(10);
    expect(kf.advance(s, 20)).toBe(s); // within one interval: folded in place
    expect(s).toEqual(kf.at(20));
    expect(kf.advance(s, 90)).toEqual(kf.at(90)); // far ahead: a fresh state from a keyframe
    expect(kf.advance(s, 5)).toEqual(kf.at(5));
    expect(kf.latest.index).toBe(c.length);
  });

  it('indexAtTime is the index just after the last event at or before t', () => {
    const c = sample(50);
    const kf = new Keyframes(c, 16);
    expect(kf.indexAtTime(-1)).toBe(0);
    expect(kf.indexAtTime(0)).toBe(2); // domain + the first event, both at t=0
    expect(kf.indexAtTime(10_500)).toBe(12);
    expect(kf.indexAtTime(1e12)).toBe(c.length);
  });
});

describe('fold: IPI arrows', () => {
  it('an NMI handler run finishes the NMI sent to that CPU, not the oldest NMI', () => {
    const s = emptyState();
    let t = 0;
    const ev = (e: Record<string, unknown>) => applyEvent(s, { t: t++, ...e } as never);
    ev({ k: 'domain', max_vcpus: 3, dom0: 0, abi: '2l', max_port: 1023, pcpus: 3 });
    ev({ k: 'ipi_send', from: 0, to: 1, vector: 'NMI', port: -1 });
    ev({ k: 'ipi_send', from: 0, to: 2, vector: 'NMI', port: -1 });
    ev({ k: 'handle', cpu: 2, irq: -1, port: -1, name: 'NMI', vector: 'NMI' });
    expect(s.arrows.map((a) => [a.to, a.status])).toEqual([
      [1, 'sent'],
      [2, 'handled'],
    ]);
  });
});
