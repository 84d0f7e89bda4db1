// The real engine worker, run in-thread by @vitest/web-worker: the same module graph
// as in the browser (comlink, streamed chunks with transferred buffers), minus the browser.
import '@vitest/web-worker';
import { afterEach, describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate';
import { traceHash } from '../../engine/trace/canonical';
import { createEngineClient, isRunCancelled, type EngineClient } from './client';

let client: EngineClient | null = null;
afterEach(() => {
  client?.dispose();
  client = null;
});

const HOTPLUG = {
  version: 1,
  guest: { vcpus: 4 },
  steps: [
    { at: '20ms', do: 'cpu_down', cpu: 2 },
    { at: '40ms', do: 'ipi', from: 0, to: [1, 3], vector: 'RESCHEDULE' },
  ],
};

describe('engine worker client', () => {
  it('runs the default scenario in the worker and rebuilds the same trace on the page side', async () => {
    client = createEngineClient();
    const { summary, cols } = await client.run({ version: 1 });
    expect(summary.ok).toBe(true);
    expect(summary.trace_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cols.length).toBe(summary.events);
    expect(traceHash(cols)).toBe(summary.trace_hash);
  });

  it('gives the same trace hash in the worker as simulate() in this thread (the engine is a pure function)', async () => {
    client = createEngineClient();
    for (const input of [{ version: 1, seed: 7 }, HOTPLUG]) {
      const inWorker = await client.run(input);
      const inNode = simulate(input);
      expect(inWorker.summary.trace_hash).toBe(inNode.summary.trace_hash);
      expect(traceHash(inWorker.cols)).toBe(inNode.summary.trace_hash);
    }
  });

  it('streams the trace while it simulates: many slices, progress before the end, same hash', async () => {
    client = createEngineClient();
    const seen: number[] = [];
    const run = await client.run(HOTPLUG, {
      sliceBudget: 200,
      fixedBudget: true,
      onProgress: (cols) => seen.push(cols.length),
    });
    expect(seen.length).toBeGreaterThan(5);
    // Lengths only grow, and the page had most of the trace before the run resolved.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen[0]).toBeLessThan(run.cols.length / 2);
    expect(seen[seen.length - 1]).toBe(run.cols.length);
    expect(traceHash(run.cols)).toBe(simulate(HOTPLUG).summary.trace_hash);
  });

  it('reassembles a trace cut into many small chunks, strings and all', async () => {
    client = createEngineClient();
    const whole = await client.run({ version: 1 });
    const chunkEvents = Math.max(1, Math.ceil(whole.cols.length / 40)); // about 40 chunks
    const pieces = await client.run({ version: 1 }, { chunkEvents });
    expect(whole.cols.length).toBeGreaterThan(chunkEvents);
    expect(pieces.cols.length).toBe(whole.cols.length);
    expect(pieces.cols.strings).toEqual(whole.cols.strings);
    expect(traceHash(pieces.cols)).toBe(whole.summary.trace_hash);
  });

  it('cancels the run in flight when a new one starts; the new one gets its own, whole trace', async () => {
    client = createEngineClient();
    const slow = { sliceBudget: 100, fixedBudget: true };
    const first = client.run({ version: 1, seed: 1 }, slow);
    const second = client.run({ version: 1, seed: 2 }, slow);
    await expect(first).rejects.toSatisfy(isRunCancelled);
    const b = await second;
    expect(traceHash(b.cols)).toBe(b.summary.trace_hash);
    expect(b.summary.trace_hash).toBe(simulate({ version: 1, seed: 2 }).summary.trace_hash);
  });

  it('answers an invalid scenario with a summary that names the field, not a crash', async () => {
    client = createEngineClient();
    const { summary, cols } = await client.run({ version: 1, guest: { vcpus: 0 } });
    expect(summary.ok).toBe(false);
    expect(summary.error?.path).toBe('guest.vcpus');
    expect(cols.length).toBe(0);
  });

  it('rejects with the error when the worker throws', async () => {
    client = createEngineClient();
    await expect(client.run({ version: 1 }, { chunkEvents: 0 })).rejects.toThrow(/chunkEvents/);
    // The worker is still usable afterwards.
    expect((await client.run({ version: 1 })).summary.ok).toBe(true);
  });

  it('rejects runs after dispose', async () => {
    const c = createEngineClient();
    c.dispose();
    await expect(c.run({ version: 1 })).rejects.toThrow(/disposed/);
  });
});
