// The real engine worker, run in-thread by @vitest/web-worker: the same module graph
// as in the browser (comlink, chunk transfer), minus the browser.
import '@vitest/web-worker';
import { afterEach, describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate';
import { traceHash } from '../../engine/trace/canonical';
import { createEngineClient, type EngineClient } from './client';

let client: EngineClient | null = null;
afterEach(() => {
  client?.dispose();
  client = null;
});

describe('engine worker client', () => {
  it('runs the default scenario in the worker and rebuilds the same trace on the page side', async () => {
    client = createEngineClient();
    const { summary, cols } = await client.run({ version: 1 });
    expect(summary.ok).toBe(true);
    expect(summary.trace_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cols.length).toBe(summary.events);
    expect(traceHash(cols)).toBe(summary.trace_hash);
  });

  it('gives the same trace hash in the worker as in this thread (the engine is a pure function)', async () => {
    client = createEngineClient();
    const inWorker = await client.run({ version: 1, seed: 7 });
    expect(inWorker.summary.trace_hash).toBe(simulate({ version: 1, seed: 7 }).summary.trace_hash);
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

  it('serialises overlapping runs so each gets its own trace', async () => {
    client = createEngineClient();
    const chunkEvents = Math.max(1, Math.ceil(simulate({ version: 1 }).cols.length / 10));
    const [a, b] = await Promise.all([
      client.run({ version: 1, seed: 1 }, { chunkEvents }),
      client.run({ version: 1, seed: 2 }, { chunkEvents }),
    ]);
    expect(traceHash(a.cols)).toBe(a.summary.trace_hash);
    expect(traceHash(b.cols)).toBe(b.summary.trace_hash);
  });

  it('answers an invalid scenario with a summary that names the field, not a crash', async () => {
    client = createEngineClient();
    const { summary } = await client.run({ version: 1, guest: { vcpus: 0 } });
    expect(summary.ok).toBe(false);
    expect(summary.error?.path).toBe('guest.vcpus');
  });

  it('rejects runs after dispose', async () => {
    const c = createEngineClient();
    c.dispose();
    await expect(c.run({ version: 1 })).rejects.toThrow(/disposed/);
  });
});
