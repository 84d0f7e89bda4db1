// @vitest-environment jsdom
// The share, present and embed UI in a DOM with the real engine in this thread: every
// new control is named, About shows the run's identity, a bad link gives its banner over
// a working app, presenter mode and the embedded view render, dialogs take the keys.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLink } from '../../engine/scenario/link';
import { presetById } from '../../engine/scenario/presets';
import { App } from '../App';
import { inThreadClient } from '../store/testing';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

async function renderApp(hash = '', embed = false) {
  const view = render(<App createClient={() => inThreadClient()} hash={hash} embed={embed} />);
  await waitFor(() => expect(screen.getByRole('group', { name: 'Transport' }).textContent).toMatch(/event [\d,]+ of [1-9][\d,]*/), { timeout: 10_000 });
  await waitFor(() => expect(screen.getByRole('group', { name: 'Transport' }).textContent).not.toMatch(/computing/), { timeout: 10_000 });
  return view;
}

describe('share UI', () => {
  it('the Share menu names its actions; About this run shows the trace hash and a link to the moment', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    const menu = screen.getByRole('group', { name: 'Share and export' });
    const names = within(menu).getAllByRole('button').map((b) => b.textContent);
    expect(names).toEqual(['Copy link', 'Embed', 'About this run', 'Record video…', 'PNG image', 'SVG image', 'Trace (JSON Lines)', 'Trace for Perfetto', 'Open a file…', 'Presets gallery']);
    fireEvent.click(within(menu).getByRole('button', { name: 'About this run' }));
    const about = screen.getByRole('dialog', { name: 'About this run' });
    expect(within(about).getByRole('row', { name: /^Trace hash/ }).textContent).toMatch(/[0-9a-f]{64}/);
    expect(within(about).getByRole('row', { name: /^Seed/ }).textContent).toMatch(/Seed\s*1/);
    expect((within(about).getByRole('textbox', { name: 'Link to this moment' }) as HTMLInputElement).value).toMatch(/#v1:[jz]:/);
    // The playground's keys are off while a dialog is open; Esc closes it.
    act(() => {
      fireEvent.keyDown(window, { key: ' ' });
    });
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
    fireEvent.keyDown(about, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'About this run' })).toBeNull();
  });

  it('a damaged link gives the banner; the default scenario runs under it', async () => {
    await renderApp('#v1:z:$$$$');
    const banner = screen.getByRole('alert', { name: 'This link could not be opened' });
    expect(banner.textContent).toMatch(/damaged/);
    expect(banner.textContent).toMatch(/Running instead: “A PV guest boots 4 vCPUs”/);
    fireEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('presenter mode shows the stage, the chapters and the notes; "." goes to the next chapter; Esc leaves', async () => {
    await renderApp(encodeLink(presetById('boot-4-vcpus')!.input));
    fireEvent.click(screen.getByRole('button', { name: 'Present' }));
    const presenter = screen.getByRole('region', { name: 'Presenter mode' });
    expect(within(presenter).getByRole('region', { name: 'Stage' })).toBeTruthy();
    const chapters = within(presenter).getByRole('navigation', { name: 'Chapters' });
    expect(within(chapters).getAllByRole('listitem').length).toBe(4);
    const current = () => within(presenter).getByRole('status', { name: 'Current chapter' }).textContent;
    expect(current()).toMatch(/Chapter 1 of 4/);
    act(() => {
      fireEvent.keyDown(document.body, { key: '.' });
    });
    expect(current()).toMatch(/Chapter 2 of 4: CPU 1 bring-up/);
    expect(within(presenter).getByRole('region', { name: 'Speaker notes' }).textContent).toContain(presetById('boot-4-vcpus')!.input.notes![1]);
    act(() => {
      fireEvent.keyDown(document.body, { key: 'Escape' });
    });
    expect(screen.queryByRole('region', { name: 'Presenter mode' })).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeTruthy();
  });

  it('the embedded view has the stage, the transport and a link to the full playground only', async () => {
    await renderApp(encodeLink(presetById('hotplug-cpu2')!.input), true);
    expect(screen.getByRole('region', { name: 'Stage' })).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open in the full playground ↗' });
    expect(link.getAttribute('href')).toMatch(/#v1:[jz]:/);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(screen.queryByRole('combobox', { name: 'Scenario' })).toBeNull();
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(screen.queryByRole('toolbar')).toBeNull();
  });

  it('the presets gallery opens a preset', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Presets gallery' }));
    const dialog = screen.getByRole('dialog', { name: 'Presets' });
    const title = presetById('fifo-events')!.title;
    fireEvent.click(within(dialog).getByRole('button', { name: `Open “${title}”` }));
    expect(screen.queryByRole('dialog', { name: 'Presets' })).toBeNull();
    expect((screen.getByRole('combobox', { name: 'Scenario' }) as HTMLSelectElement).value).toBe('fifo-events');
  });
});
