import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { EventQueue } from './queue';
import { Sim } from './sim';
import { formatDuration, parseDuration, printkTime } from './time';
import { sha256Hex, Sha256 } from './sha256';

describe('EventQueue', () => {
  it('pops in (time, seq) order: time first, then insertion order', () => {
    const q = new EventQueue<string>();
    const p = new Prng(5);
    const pushed: { t: number; s: string }[] = [];
    for (let i = 0; i < 500; i++) {
      const t = p.int(0, 20);
      pushed.push({ t, s: `e${i}` });
      q.push(t, `e${i}`);
    }
    const expected = pushed
      .map((e, i) => ({ ...e, i }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((e) => e.s);
    const got: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) got.push(e.item);
    expect(got).toEqual(expected);
  });

  it('skips cancelled entries in peek and pop', () => {
    const q = new EventQueue<number>();
    const a = q.push(1, 1);
    q.push(2, 2);
    const c = q.push(0, 0);
    c.cancelled = true;
    a.cancelled = true;
    expect(q.peek()?.item).toBe(2);
    expect(q.pop()?.item).toBe(2);
    expect(q.pop()).toBeUndefined();
  });
});

describe('Sim', () => {
  it('runs callbacks in time order and advances the clock', () => {
    const sim = new Sim(1);
    const seen: [number, string][] = [];
    sim.at(30, () => seen.push([sim.now, 'c']));
    sim.after(10, () => {
      seen.push([sim.now, 'a']);
      sim.after(5, () => seen.push([sim.now, 'b']));
    });
    sim.at(10, () => seen.push([sim.now, 'a2']));
    expect(sim.run()).toBe('idle');
    expect(seen).toEqual([
      [10, 'a'],
      [10, 'a2'],
      [15, 'b'],
      [30, 'c'],
    ]);
    expect(sim.processed).toBe(4);
  });

  it('never schedules in the past and rounds relative delays to whole ns', () => {
    const sim = new Sim(1);
    let t = -1;
    sim.at(100, () => sim.at(50, () => (t = sim.now)));
    sim.run();
    expect(t).toBe(100);
    sim.after(2.6, () => (t = sim.now));
    sim.run();
    expect(t).toBe(103);
  });

  it('cancel prevents a callback', () => {
    const sim = new Sim(1);
    let ran = false;
    const h = sim.after(5, () => (ran = true));
    sim.cancel(h);
    sim.cancel(null);
    expect(sim.run()).toBe('idle');
    expect(ran).toBe(false);
  });

  it('run(until) stops at the bound and sets now to it; maxEvents limits; stop() ends the run', () => {
    const sim = new Sim(1);
    let n = 0;
    const tick = () => {
      n++;
      sim.after(10, tick);
    };
    sim.at(0, tick);
    expect(sim.run(95)).toBe('until');
    expect(sim.now).toBe(95);
    expect(n).toBe(10);
    expect(sim.run(Infinity, sim.processed + 3)).toBe('limit');
    expect(n).toBe(13);
    sim.after(1, () => sim.stop());
    expect(sim.run()).toBe('stopped');
    expect(sim.isStopped).toBe(true);
    expect(sim.nextTime()).toBeGreaterThan(sim.now - 1);
  });
});

describe('Prng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
  });

  it('int stays in [lo, hi], float in [0, 1), jitter within the spread and ≥ 1', () => {
    const p = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const x = p.int(-3, 3);
      expect(x).toBeGreaterThanOrEqual(-3);
      expect(x).toBeLessThanOrEqual(3);
      const f = p.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const j = p.jitter(1000, 0.1);
      expect(Number.isInteger(j)).toBe(true);
      expect(j).toBeGreaterThanOrEqual(900);
      expect(j).toBeLessThanOrEqual(1100);
    }
    expect(p.jitter(0)).toBe(1);
  });
});

describe('time', () => {
  it('parseDuration accepts units and plain integer ns', () => {
    expect(parseDuration('250us')).toBe(250_000);
    expect(parseDuration('250µs')).toBe(250_000);
    expect(parseDuration('40ms')).toBe(40_000_000);
    expect(parseDuration('1.5s')).toBe(1_500_000_000);
    expect(parseDuration(' 7 ns ')).toBe(7);
    expect(parseDuration(1234)).toBe(1234);
  });

  it('parseDuration rejects malformed values', () => {
    for (const bad of ['', '10', '-5ms', '5 min', 'ms', '1e3ms', '9'.repeat(40) + 'ns', null, undefined, {}, -1, 1.5, NaN, Infinity]) {
      expect(parseDuration(bad)).toBeNull();
    }
  });

  it('formats durations and printk timestamps', () => {
    expect(formatDuration(1_250_000)).toBe('1.25 ms');
    expect(formatDuration(3000)).toBe('3 µs');
    expect(formatDuration(2_500_000_000)).toBe('2.5 s');
    expect(formatDuration(12)).toBe('12 ns');
    expect(printkTime(12_345_678)).toBe('[    0.012345]');
  });
});

describe('sha256', () => {
  it('matches FIPS 180-4 vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('incremental updates equal one shot; update after digest throws', () => {
    const s = 'x'.repeat(1000) + 'é';
    const h = new Sha256();
    for (let i = 0; i < s.length; i += 37) h.update(s.slice(i, i + 37));
    expect(h.hex()).toBe(sha256Hex(s));
    expect(() => h.update('a')).toThrow();
  });
});
