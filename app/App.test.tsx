// @vitest-environment jsdom
// The page's states, with a scripted engine client (the real worker is covered by
// app/engine/client.test.ts and e2e/smoke.spec.ts).
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TraceColumns } from '../engine/trace/columns';
import { App, DEFAULT_SCENARIO } from './App';
import type { EngineClient, EngineRun, Summary } from './engine/client';

afterEach(cleanup);

const HASH = 'ab'.repeat(32);

/** A summary as CONTRACT.md describes it (only the fields this page reads matter). */
function summary(over: Record<string, unknown> = {}): Summary {
  return {
    ok: true,
    error: null,
    panic: null,
    shutdown: null,
    time_ns: 200_000_000,
    nr_cpu_ids: 2,
    cpus: { possible: [0, 1], present: [0, 1], online: [0, 1] },
    vcpus: [
      { id: 0, initialised: true, up: true, runstate: 'running', linux: 'online' },
      { id: 1, initialised: true, up: true, runstate: 'blocked', linux: 'online' },
    ],
    trace_hash: HASH,
    events: 3,
    ...over,
  } as unknown as Summary;
}

function scriptedClient(result: Promise<EngineRun>) {
  const client = { run: vi.fn(() => result), dispose: vi.fn() } satisfies EngineClient;
  return client;
}

const cols = () => {
  const c = new TraceColumns();
  c.push(0, 'console', { cpu: 0, text: 'a' });
  return c;
};

describe('App', () => {
  it('runs the default scenario on load and shows online CPUs, vCPUs and the trace hash', async () => {
    const client = scriptedClient(Promise.resolve({ summary: summary(), cols: cols() }));
    render(<App createClient={() => client} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/Running the default scenario/);

    expect((await screen.findByText(/Ran the default scenario/)).getAttribute('role')).toBe('status');
    expect(client.run).toHaveBeenCalledWith(DEFAULT_SCENARIO);
    expect(screen.getByText('Online CPUs: 0, 1')).toBeTruthy();
    const vcpus = within(screen.getByRole('list', { name: 'vCPUs' })).getAllByRole('listitem');
    expect(vcpus.map((li) => li.textContent)).toEqual(['vCPU 0: online (running)', 'vCPU 1: online (blocked)']);
    expect(screen.getByText(HASH)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('names the field when the engine rejects the scenario', async () => {
    const bad = summary({ ok: false, error: { path: 'guest.vcpus', message: 'must be 1..512' }, vcpus: [] });
    render(<App createClient={() => scriptedClient(Promise.resolve({ summary: bad, cols: new TraceColumns() }))} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid scenario: guest.vcpus: must be 1..512');
  });

  it('shows a guest panic as a result, next to the state', async () => {
    const panicked = summary({ panic: 'Kernel panic - not syncing: Attempted to kill the idle task!' });
    render(<App createClient={() => scriptedClient(Promise.resolve({ summary: panicked, cols: cols() }))} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Guest panic: Kernel panic/);
    expect(screen.getByText('Online CPUs: 0, 1')).toBeTruthy();
  });

  it('reports an engine crash instead of breaking the page', async () => {
    render(<App createClient={() => scriptedClient(Promise.reject(new Error('boom')))} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Engine error: boom');
    expect(screen.getByRole('heading', { level: 1 })).toBeTruthy();
  });

  it('stops its worker when it unmounts', () => {
    const client = scriptedClient(new Promise(() => {}));
    const { unmount } = render(<App createClient={() => client} />);
    unmount();
    expect(client.dispose).toHaveBeenCalledTimes(1);
  });
});
