// @vitest-environment jsdom
// The stage's accessible names (the e2e tests and screen readers rely on them) and the
// vCPU actions menu, on a real run of the IPI-coalescing preset.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { simulate } from '../../engine/simulate';
import type { TraceColumns } from '../../engine/trace/columns';
import { Keyframes } from '../../engine/trace/keyframes';
import type { StageProps } from './contract';
import { Stage } from './Stage';
import { TimeSpace } from './TimeSpace';

afterEach(cleanup);
// A real simulation and a full stage render per test: give a loaded machine time.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

let cols: TraceColumns;
let kf: Keyframes;
beforeAll(() => {
  // jsdom has no 2D canvas: the pictures are skipped, the accessible layers are what is tested.
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
  const scenario = JSON.parse(readFileSync('public/presets/ipi-coalescing.json', 'utf8'));
  cols = simulate(scenario).cols;
  kf = new Keyframes(cols);
});

/** Props at the first event at or after `t` ns. */
function propsAt(t: number, over: Partial<StageProps> = {}): StageProps {
  const index = kf.indexAtTime(t);
  const state = kf.at(index);
  return {
    cols,
    traceVersion: 1,
    state,
    index,
    time: t,
    endTime: cols.t[cols.length - 1],
    playing: false,
    speed: 1,
    theme: 'light',
    reducedMotion: true,
    kernel: '4.0',
    guestType: 'pv',
    selectedEvent: null,
    hoveredEvent: null,
    onSelectEvent: vi.fn(),
    onHoverEvent: vi.fn(),
    onVcpuAction: vi.fn(),
    window: { t0: 0, t1: 20_000_000 },
    onWindowChange: vi.fn(),
    onSeekTime: vi.fn(),
    ...over,
  };
}

describe('Stage', () => {
  it('names every vCPU card, pCPU, port and arrow as the contract says', () => {
    render(<Stage {...propsAt(13_500_000)} />);
    for (const n of [0, 1, 2, 3]) {
      const card = screen.getByRole('group', { name: `vCPU ${n}` });
      expect(within(card).getByRole('button', { name: `CPU ${n} actions` })).toBeTruthy();
    }
    // Card text states Linux state, Xen state and runstate in words.
    const card1 = screen.getByRole('group', { name: 'vCPU 1' });
    expect(card1.textContent).toMatch(/Linux\s*online/);
    expect(card1.textContent).toMatch(/Xen\s*up/);
    expect(card1.textContent).toMatch(/running|runnable|blocked|offline/);
    const pcpus = screen.getByRole('list', { name: 'Physical CPUs' });
    expect(within(pcpus).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pCPU 0: (vCPU \d+|another domain|idle)$/)]),
    );
    const ports = screen.getByRole('grid', { name: 'Event channels' });
    // CPU 1 has interrupts off: its resched port is pending (the first send), not masked.
    expect(within(ports).getByRole('gridcell', { name: 'port 12 resched1: pending' })).toBeTruthy();
    expect(within(ports).getByRole('gridcell', { name: 'port 3 timer0' })).toBeTruthy();
    // The first send waits; the next two coalesced into it.
    expect(screen.getByRole('img', { name: 'RESCHEDULE IPI from CPU 0 to CPU 1: in flight' })).toBeTruthy();
    expect(screen.getAllByRole('img', { name: /RESCHEDULE IPI from CPU \d to CPU 1: coalesced/ })).toHaveLength(2);
    expect(screen.getByRole('region', { name: 'Legend' })).toBeTruthy();
  });

  it('shows the pending send as handled once CPU 1 re-enables interrupts', () => {
    render(<Stage {...propsAt(15_010_000)} />);
    expect(screen.getByRole('img', { name: 'RESCHEDULE IPI from CPU 0 to CPU 1: handled' })).toBeTruthy();
  });

  it('opens the actions menu and calls onVcpuAction with the chosen action', () => {
    const props = propsAt(13_500_000);
    render(<Stage {...props} />);
    const button = screen.getByRole('button', { name: 'CPU 2 actions' });
    fireEvent.click(button);
    const menu = screen.getByRole('menu');
    const names = within(menu)
      .getAllByRole('menuitem')
      .map((m) => m.textContent && (m.getAttribute('aria-label') ?? m.firstChild?.textContent));
    expect(names).toEqual([
      'Take CPU 2 offline',
      'Bring CPU 2 online',
      'Preempt vCPU 2 for 5 ms',
      'Disable interrupts on CPU 2',
      'Enable interrupts on CPU 2',
      'Send a reschedule IPI to CPU 2',
      'Send a call-function IPI to CPU 2',
    ]);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Send a call-function IPI to CPU 2' }));
    expect(props.onVcpuAction).toHaveBeenCalledWith(2, 'ipi_callfunc');
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('disables items that make no sense, and activating one does nothing', () => {
    const props = propsAt(13_500_000);
    render(<Stage {...props} />);
    fireEvent.click(screen.getByRole('button', { name: 'CPU 1 actions' }));
    const menu = screen.getByRole('menu');
    const item = (name: string) => within(menu).getByRole('menuitem', { name });
    // CPU 1 is online with interrupts off (the preset's first step).
    expect(item('Bring CPU 1 online').getAttribute('aria-disabled')).toBe('true');
    expect(item('Disable interrupts on CPU 1').getAttribute('aria-disabled')).toBe('true');
    expect(item('Enable interrupts on CPU 1').getAttribute('aria-disabled')).toBeNull();
    expect(item('Take CPU 1 offline').getAttribute('aria-disabled')).toBeNull();
    fireEvent.click(item('Bring CPU 1 online'));
    expect(props.onVcpuAction).not.toHaveBeenCalled();
    // Escape closes and gives focus back to the button.
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'CPU 1 actions' }));
  });

  it('keeps "Take CPU 0 offline" enabled: Linux answering -EBUSY is the lesson', () => {
    render(<Stage {...propsAt(13_500_000)} />);
    fireEvent.click(screen.getByRole('button', { name: 'CPU 0 actions' }));
    expect(screen.getByRole('menuitem', { name: 'Take CPU 0 offline' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('supports the keyboard: ArrowDown opens the menu on the first enabled item', () => {
    render(<Stage {...propsAt(13_500_000)} />);
    const button = screen.getByRole('button', { name: 'CPU 3 actions' });
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    expect(screen.getByRole('menu')).toBeTruthy();
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });
});

describe('TimeSpace', () => {
  it('is an image named "Time-space diagram" with a text alternative of what is in view', () => {
    HTMLCanvasElement.prototype.getContext = (() => null) as never;
    render(<TimeSpace {...propsAt(13_500_000, { window: { t0: 10_000_000, t1: 14_000_000 } })} />);
    const img = screen.getByRole('img', { name: 'Time-space diagram' });
    const desc = document.getElementById(img.getAttribute('aria-describedby')!);
    expect(desc?.textContent).toMatch(/^Showing 10 ms to 14 ms of a 15 ms run, 4 vCPU lanes\. In view: \d+ hypercalls, 3 IPIs \(2 coalesced\), 0 console lines, 4 scenario steps\. Playhead at 13\.5 ms/);
  });
});

describe('Stage of a big guest (tiles, bitmap event channels)', () => {
  // 40 vCPUs: canvas tiles with an accessible group per vCPU, and 280+ ports drawn as
  // a bitmap with a focusable, named cell per port.
  let big: TraceColumns;
  let bigKf: Keyframes;
  beforeAll(() => {
    big = simulate({
      version: 1,
      host: { pcpus: 16 },
      guest: { vcpus: 40, nr_cpus: 40 },
      steps: [{ at: '12ms', do: 'ipi', from: 0, to: 'allbutself', vector: 'CALL_FUNCTION' }],
    }).cols;
    bigKf = new Keyframes(big);
  });

  function bigProps(): StageProps {
    // Just after the 20th send of the broadcast.
    let sends = 0;
    let index = 0;
    for (let i = 0; i < big.length && sends < 20; i++) if (big.get(i).k === 'ipi_send' && ++sends === 20) index = i + 1;
    return { ...propsAt(0), cols: big, state: bigKf.at(index), index, time: big.t[index - 1], endTime: big.t[big.length - 1] };
  }

  it('names every tile as a vCPU group with its actions button and its state in words', async () => {
    render(<Stage {...bigProps()} />);
    const g12 = await screen.findByRole('group', { name: 'vCPU 12' });
    expect(within(g12).getByRole('button', { name: 'CPU 12 actions' })).toBeTruthy();
    expect(screen.getAllByRole('group', { name: /^vCPU \d+$/ })).toHaveLength(40);
    const desc = document.getElementById(g12.getAttribute('aria-describedby')!);
    expect(desc?.textContent).toMatch(/^vCPU 12: Linux online; Xen up/);
    fireEvent.click(within(g12).getByRole('button', { name: 'CPU 12 actions' }));
    expect(screen.getByRole('menu').textContent).toContain('Take CPU 12 offline');
  });

  it('names each port cell of the bitmap and each target of the broadcast', async () => {
    render(<Stage {...bigProps()} />);
    const ports = screen.getByRole('grid', { name: 'Event channels' });
    expect((await within(ports).findAllByRole('gridcell', { name: /^port \d+ resched\d+/ })).length).toBeGreaterThanOrEqual(40);
    expect(within(ports).getByRole('gridcell', { name: 'port 0 reserved' })).toBeTruthy();
    expect(screen.getAllByRole('img', { name: /^CALL_FUNCTION IPI from CPU 0 to CPU \d+: / }).length).toBeGreaterThan(10);
  });
});

describe('Stage with NMIs to several CPUs', () => {
  it('finishes the arrow of the CPU whose NMI handler ran (NMIs share port -1)', () => {
    const scenario = {
      version: 1,
      guest: { vcpus: 4 },
      steps: [
        { at: '10ms', do: 'ipi', from: 0, to: [1, 2], vector: 'NMI' },
        { at: '10ms', do: 'preempt', vcpu: 1, for: '5ms' },
      ],
    };
    const run = simulate(scenario).cols;
    const k = new Keyframes(run);
    let handled2 = -1;
    for (let i = 0; i < run.length; i++) {
      const e = run.get(i);
      if (e.k === 'handle' && e.vector === 'NMI' && e.cpu === 2) handled2 = i;
    }
    expect(handled2).toBeGreaterThan(0);
    const index = handled2 + 1;
    render(
      <Stage
        {...propsAt(0)}
        cols={run}
        state={k.at(index)}
        index={index}
        time={run.t[handled2]}
        endTime={run.t[run.length - 1]}
      />,
    );
    expect(screen.getByRole('img', { name: 'NMI IPI from CPU 0 to CPU 2: handled' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'NMI IPI from CPU 0 to CPU 1: in flight' })).toBeTruthy();
  });
});
