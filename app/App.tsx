// The first slice of the UI: runs the default scenario in the engine worker on load
// and shows what came back. The real stage (vCPU cards, event channels, time-space
// diagram) replaces this; the worker client in app/engine/client.ts stays.

import { useEffect, useState } from 'react';
import { createEngineClient, type EngineClient, type Summary } from './engine/client';

/** The scenario the page runs on load: everything defaulted (CONTRACT.md). */
export const DEFAULT_SCENARIO = { version: 1 } as const;

type RunState =
  | { phase: 'running' }
  | { phase: 'done'; summary: Summary; events: number }
  | { phase: 'crashed'; message: string };

export interface AppProps {
  /** Makes the engine client; tests pass their own. */
  createClient?: () => EngineClient;
}

export function App({ createClient = createEngineClient }: AppProps) {
  const [state, setState] = useState<RunState>({ phase: 'running' });
  // The first factory is kept, so an inline arrow from a parent does not restart the worker.
  const [makeClient] = useState(() => createClient);

  useEffect(() => {
    // StrictMode runs effects twice in development: each run gets its own worker,
    // and the cleanup terminates it.
    const client = makeClient();
    let live = true;
    client.run(DEFAULT_SCENARIO).then(
      ({ summary, cols }) => live && setState({ phase: 'done', summary, events: cols.length }),
      (e: unknown) => live && setState({ phase: 'crashed', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
      client.dispose();
    };
  }, [makeClient]);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '60rem', margin: '2rem auto', padding: '0 1rem' }}>
      <h1>Xen SMP Playground</h1>
      <p>How a paravirtualised Linux guest brings up and signals its virtual CPUs on Xen.</p>
      <section aria-labelledby="run-heading">
        <h2 id="run-heading">Default scenario</h2>
        <RunView state={state} />
      </section>
    </main>
  );
}

function RunView({ state }: { state: RunState }) {
  if (state.phase === 'running') {
    return <p role="status">Running the default scenario in the engine worker…</p>;
  }
  if (state.phase === 'crashed') {
    return (
      <>
        <p role="status">The engine failed.</p>
        <p role="alert">Engine error: {state.message}</p>
      </>
    );
  }
  const { summary, events } = state;
  if (!summary.ok) {
    return (
      <>
        <p role="status">The default scenario was rejected.</p>
        <p role="alert">
          Invalid scenario{summary.error ? `: ${summary.error.path}: ${summary.error.message}` : ''}
        </p>
      </>
    );
  }
  return (
    <>
      <p role="status">Ran the default scenario: {events.toLocaleString('en')} trace events.</p>
      {summary.panic ? <p role="alert">Guest panic: {summary.panic}</p> : null}
      <p>Online CPUs: {summary.cpus.online.join(', ') || 'none'}</p>
      <ul aria-label="vCPUs">
        {summary.vcpus.map((v) => (
          <li key={v.id}>
            vCPU {v.id}: {v.linux} ({v.runstate})
          </li>
        ))}
      </ul>
      <p>
        Trace hash: <code>{summary.trace_hash}</code>
      </p>
    </>
  );
}
