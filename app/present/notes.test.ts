// Speaker notes: per step when the scenario has steps (a step's note stays until the
// next step), per chapter when it has none.
import { describe, expect, it } from 'vitest';
import type { Chapter } from '../store/traceIndex';
import { chapterIndexAt, noteFor } from './notes';

const ch = (pos: number, kind: Chapter['kind'], label: string): Chapter => ({ pos, t: pos * 10, kind, label });

describe('speaker notes', () => {
  const chapters = [ch(1, 'boot', 'Domain created: boot'), ch(50, 'phase', 'CPU 1 bring-up'), ch(100, 'step', 'Step 1: offline CPU 1'), ch(120, 'phase', 'CPU 1 goes offline'), ch(200, 'step', 'Step 2: online CPU 1'), ch(220, 'phase', 'CPU 1 bring-up')];

  it('finds the chapter at a playhead position', () => {
    expect(chapterIndexAt(chapters, 0)).toBe(-1);
    expect(chapterIndexAt(chapters, 1)).toBe(0);
    expect(chapterIndexAt(chapters, 99)).toBe(1);
    expect(chapterIndexAt(chapters, 100)).toBe(2);
    expect(chapterIndexAt(chapters, 10_000)).toBe(5);
  });

  it('gives step i its note i, kept through the step’s consequences, none before the first step', () => {
    const notes = ['offline it', 'online it'];
    expect([0, 1, 2, 3, 4, 5].map((k) => noteFor(chapters, k, notes, 2))).toEqual([null, null, 'offline it', 'offline it', 'online it', 'online it']);
    expect(noteFor(chapters, 4, ['only one'], 2)).toBeNull();
  });

  it('without steps, note i belongs to chapter i', () => {
    const boot = chapters.slice(0, 2);
    expect([0, 1].map((k) => noteFor(boot, k, ['a', 'b'], 0))).toEqual(['a', 'b']);
    expect(noteFor(boot, 1, ['a'], 0)).toBeNull();
    expect(noteFor(boot, -1, ['a'], 0)).toBeNull();
    expect(noteFor(boot, 0, undefined, 0)).toBeNull();
  });
});
