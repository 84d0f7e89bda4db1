// @vitest-environment jsdom
// The shell in a DOM, with the real engine run in this thread (app/store/testing.ts):
// every control has an accessible name, the panels show the trace, errors never blank
// the page. The worker itself is covered by app/engine/client.test.ts and the e2e specs.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeLink } from '../engine/scenario/link';
import { App } from './App';
import { inThreadClient } from './store/testing';
import type { EngineClient } from './engine/client';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

async function renderApp(hash = '', client: () => EngineClient = () => inThreadClient()) {
  const view = render(<App createClient={client} hash={hash} />);
  // The run streams in and is folded in idle slices.
  await waitFor(() => expect(screen.getByRole('group', { name: 'Transport' }).textContent).toMatch(/event [\d,]+ of [1-9][\d,]*/), { timeout: 10_000 });
  await waitFor(() => expect(screen.getByRole('group', { name: 'Transport' }).textContent).not.toMatch(/computing/), { timeout: 10_000 });
  return view;
}

describe('App shell', () => {
  it('names every control and region', async () => {
    await renderApp();
    expect(screen.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Scenario' })).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: 'Theme' })).toBeTruthy();
    for (const t of ['Light', 'Dark', 'Projector']) expect(screen.getByRole('radio', { name: t })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Motion' })).toBeTruthy();
    const transport = screen.getByRole('group', { name: 'Transport' });
    for (const name of ['Reset to the start', 'Previous chapter', 'Step back', 'Play', 'Step forward', 'Next chapter', 'Go to the end']) {
      expect(within(transport).getByRole('button', { name })).toBeTruthy();
    }
    expect(within(transport).getByRole('slider', { name: 'Speed' })).toBeTruthy();
    expect(within(transport).getByRole('slider', { name: 'Playhead' })).toBeTruthy();
    expect(within(transport).getByRole('combobox', { name: 'Chapter' })).toBeTruthy();
    const toolbar = screen.getByRole('toolbar', { name: 'Actions at the playhead' });
    expect(within(toolbar).getByRole('button', { name: 'Boot' })).toBeTruthy();
    expect(within(toolbar).getByRole('button', { name: 'Send the IPI to CPU 1' })).toBeTruthy();
    const tabs = screen.getByRole('tablist', { name: 'Details' });
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Narration & code',
      'Hypercalls',
      'Console',
      '/proc/interrupts',
      'Raw hypercall',
      'Scenario',
    ]);
    // Every button, input, select and link in the page has a name.
    for (const el of document.querySelectorAll('button, input, select, textarea, a')) {
      const role = el.tagName === 'A' ? 'link' : undefined;
      void role;
      const name =
        el.getAttribute('aria-label') ||
        (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) ||
        el.closest('label')?.textContent ||
        el.textContent;
      expect(name?.trim(), el.outerHTML.slice(0, 120)).toBeTruthy();
    }
  });

  it('narrates the picture at the playhead in a polite live region with a link to the source', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the end' }));
    const now = await screen.findByRole('figure', { name: 'Current narration' });
    expect(now.textContent).toMatch(/CPU 0/);
    const link = within(now).getByRole('link');
    expect(link.getAttribute('href')).toMatch(/^https:\/\/elixir\.bootlin\.com\/linux\/v4\.0\//);
    const live = screen.getByRole('status', { name: 'Narration' });
    expect(live.getAttribute('aria-live')).toBe('polite');
  });

  it('shows the hypercall log with collapsed runs, linked to the selection', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the end' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Hypercalls' }));
    const log = screen.getByRole('list', { name: 'Hypercall log' });
    const rows = within(log).getAllByRole('button');
    expect(rows.length).toBeGreaterThan(3);
    const first = rows[0];
    fireEvent.mouseEnter(first);
    fireEvent.click(first);
    expect(first.getAttribute('aria-pressed')).toBe('true');
    // A run of SCHEDOP_yield from vCPU 0 is one row with its count (it may be further down the list).
    await waitFor(() => expect(first.className).toMatch(/is-selected/));
  });

  it('lays out /proc/interrupts like Linux, one column per online CPU', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the end' }));
    fireEvent.click(screen.getByRole('tab', { name: '/proc/interrupts' }));
    const table = screen.getByRole('table', { name: '/proc/interrupts' });
    const heads = within(table).getAllByRole('columnheader').map((h) => h.getAttribute('aria-label'));
    expect(heads).toEqual(['CPU0', 'CPU1', 'CPU2', 'CPU3']);
    const rows = within(table).getAllByRole('row');
    const lines = rows.map((r) => r.textContent ?? '');
    expect(lines).toContain(' 25:          0          0          0          0  xen-percpu    -ipi       resched1');
    expect(screen.getByRole('button', { name: 'Copy as text' })).toBeTruthy();
  });

  it('shows the guest console with printk timestamps', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the end' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Console' }));
    const con = screen.getByRole('list', { name: 'Guest console' });
    expect(within(con).getAllByRole('button')[0].textContent).toMatch(/^\[ {4}0\.\d{6}\] /);
  });

  it('validates the raw hypercall arguments and issues the call at the playhead', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the end' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Raw hypercall' }));
    const args = screen.getByRole('textbox', { name: 'Arguments (JSON)' });
    fireEvent.change(args, { target: { value: '{"vcpu": ' } });
    expect(screen.getByRole('alert').textContent).toMatch(/JSON/);
    expect((screen.getByRole('button', { name: 'Issue at the playhead' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(args, { target: { value: '{"vcpu": 9}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Issue at the playhead' }));
    await waitFor(() => expect(screen.getByText(/returned/).textContent).toMatch(/-2 ENOENT/), { timeout: 10_000 });
  });

  it('names the field of an invalid scenario in a banner and inline, and keeps running the last good one', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('tab', { name: 'Scenario' }));
    const vcpus = screen.getByRole('textbox', { name: 'vCPUs' });
    fireEvent.change(vcpus, { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const banner = await screen.findByText(/Invalid scenario/);
    expect(banner.closest('[role="alert"]')?.textContent).toMatch(/guest\.vcpus/);
    expect(screen.getByRole('textbox', { name: 'vCPUs' }).getAttribute('aria-invalid')).toBe('true');
    // The transport still shows the last good run.
    expect(screen.getByRole('group', { name: 'Transport' }).textContent).toMatch(/event [\d,]+ of [1-9]/);
  });

  it('loads the scenario from a link in the hash', async () => {
    const hash = encodeLink({ version: 1, title: 'From a link', guest: { vcpus: 2 } });
    await renderApp(hash);
    expect((screen.getByRole('combobox', { name: 'Scenario' }) as HTMLSelectElement).selectedOptions[0].textContent).toBe('Custom: From a link');
  });

  it('reports an engine failure with a bug report button instead of a blank page', async () => {
    const failing = (): EngineClient => ({
      run: () => Promise.reject(new Error('worker crashed')),
      dispose: vi.fn(),
    });
    render(<App createClient={failing} hash="" />);
    const alert = await screen.findByText(/The engine failed/);
    expect(alert.closest('[role="alert"]')?.textContent).toMatch(/worker crashed/);
    expect(screen.getByRole('button', { name: 'Copy bug report' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 })).toBeTruthy();
  });

  it('opens the key help with ? and closes it with Escape; Space plays', async () => {
    await renderApp();
    act(() => {
      fireEvent.keyDown(window, { key: '?' });
    });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toMatch(/PgDn/);
    act(() => {
      fireEvent.keyDown(window, { key: 'Escape' });
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => {
      fireEvent.keyDown(document.body, { key: ' ' });
    });
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('switches and remembers the theme', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('radio', { name: 'Projector' }));
    expect(document.documentElement.dataset.theme).toBe('projector');
    expect(document.documentElement.style.getPropertyValue('--font-size')).toBe('20px');
    expect(localStorage.getItem('xen-smp-playground.theme')).toBe('projector');
  });

  it('stops its worker when it unmounts', async () => {
    const dispose = vi.fn();
    const client = (): EngineClient => ({ run: () => new Promise(() => {}), dispose });
    const { unmount } = render(<App createClient={client} hash="" />);
    unmount();
    expect(dispose).toHaveBeenCalledTimes(1);
  });
});
