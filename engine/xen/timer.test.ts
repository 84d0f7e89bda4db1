import { describe, expect, it } from 'vitest';
import { Sim } from '../sim/sim';
import { LazyTimer } from './timer';

describe('LazyTimer', () => {
  it('fires at the deadline; moving it later keeps one queue entry that re-arms itself', () => {
    const sim = new Sim(1);
    const fired: number[] = [];
    const t = new LazyTimer(sim, () => fired.push(sim.now));
    t.set(100);
    t.set(300);
    t.set(250);
    sim.run(200);
    expect(fired).toEqual([]);
    sim.run();
    expect(fired).toEqual([250]);
    expect(t.deadline).toBe(Infinity);
  });

  it('an earlier deadline fires early', () => {
    const sim = new Sim(1);
    const fired: number[] = [];
    const t = new LazyTimer(sim, () => fired.push(sim.now));
    t.set(500);
    t.set(50);
    sim.run();
    expect(fired).toEqual([50]);
  });

  it('disarm: no fire (the entry expires harmlessly); clear: nothing left in the queue', () => {
    const sim = new Sim(1);
    let n = 0;
    const t = new LazyTimer(sim, () => n++);
    t.set(100);
    t.disarm();
    expect(sim.nextTime()).toBe(100);
    sim.run();
    expect(n).toBe(0);
    t.set(sim.now + 100);
    t.clear();
    expect(sim.nextTime()).toBe(Infinity);
    expect(sim.run()).toBe('idle');
    expect(n).toBe(0);
  });

  it('re-arming many times later does not grow the queue', () => {
    const sim = new Sim(1);
    const t = new LazyTimer(sim, () => {});
    const q = (sim as unknown as { q: { size: number } }).q;
    for (let i = 1; i <= 1000; i++) t.set(1000 + i);
    expect(q.size).toBe(1);
  });
});
