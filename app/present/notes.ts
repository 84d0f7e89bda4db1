// Speaker notes for presenter mode. A scenario's `notes` (CONTRACT: "per step index or
// free text") belong to its steps when it has steps — note i is shown from step i's
// chapter until the next step's — and to its chapters in order when it has none (a boot
// scenario: note i for chapter i: boot, CPU 1 bring-up, ...).

import type { Chapter } from '../store/traceIndex';

/** Index of the chapter at event position `index` (-1 before the first). */
export function chapterIndexAt(chapters: readonly Chapter[], index: number): number {
  let lo = 0;
  let hi = chapters.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (chapters[mid].pos <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

const STEP_LABEL = /^Step (\d+):/;

/** The speaker note for chapter `k`, or null. */
export function noteFor(chapters: readonly Chapter[], k: number, notes: readonly string[] | undefined, steps: number): string | null {
  if (!notes?.length || k < 0 || k >= chapters.length) return null;
  if (steps > 0) {
    for (let j = k; j >= 0; j--) {
      const c = chapters[j];
      if (c.kind !== 'step') continue;
      const m = STEP_LABEL.exec(c.label);
      const i = m ? Number(m[1]) - 1 : -1;
      return i >= 0 && i < notes.length ? notes[i] : null;
    }
    return null;
  }
  return k < notes.length ? notes[k] : null;
}
