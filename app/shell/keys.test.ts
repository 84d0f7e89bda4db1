// The keyboard map: a clicker's keys in presenter mode, and keys off while a dialog is open.
import { describe, expect, it, vi } from 'vitest';
import { handleKey } from './keys';
import type { PlaygroundState } from '../store/store';

function state(view: Partial<PlaygroundState['view']>) {
  const s = {
    view: { helpOpen: false, dialog: null, presenter: false, ...view },
    playback: { speed: 1 },
    togglePlay: vi.fn(),
    nextChapter: vi.fn(),
    prevChapter: vi.fn(),
    setPresenter: vi.fn(),
    setHelpOpen: vi.fn(),
  };
  return s as unknown as PlaygroundState & typeof s;
}
const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: null });

describe('handleKey', () => {
  it('"." plays and pauses normally, and goes to the next chapter in presenter mode', () => {
    const s = state({});
    expect(handleKey(key('.'), s)).toBe(true);
    expect(s.togglePlay).toHaveBeenCalledTimes(1);
    const p = state({ presenter: true });
    expect(handleKey(key('.'), p)).toBe(true);
    expect(p.nextChapter).toHaveBeenCalledTimes(1);
    expect(p.togglePlay).not.toHaveBeenCalled();
    handleKey(key('PageDown'), p);
    handleKey(key('PageUp'), p);
    expect(p.nextChapter).toHaveBeenCalledTimes(2);
    expect(p.prevChapter).toHaveBeenCalledTimes(1);
    expect(handleKey(key(' '), p)).toBe(true);
    expect(p.togglePlay).toHaveBeenCalledTimes(1);
  });

  it('Esc leaves presenter mode; the help dialog takes Esc first', () => {
    const p = state({ presenter: true });
    expect(handleKey(key('Escape'), p)).toBe(true);
    expect(p.setPresenter).toHaveBeenCalledWith(false);
    const h = state({ presenter: true, helpOpen: true });
    handleKey(key('Escape'), h);
    expect(h.setHelpOpen).toHaveBeenCalledWith(false);
    expect(h.setPresenter).not.toHaveBeenCalled();
    expect(handleKey(key('Escape'), state({}))).toBe(false);
  });

  it('ignores the playground keys while a dialog is open', () => {
    const d = state({ dialog: 'record', presenter: true });
    for (const k of ['.', ' ', 'PageDown', 'Escape', '?']) expect(handleKey(key(k), d)).toBe(false);
    expect(d.nextChapter).not.toHaveBeenCalled();
    expect(d.togglePlay).not.toHaveBeenCalled();
  });
});
