// The chapter at a playhead position (for captions and file names).

import type { Chapter } from '../store/traceIndex';
import { chapterIndexAt } from '../present/notes';

/** The chapter at event position `index` (the last one starting at or before it), or null. */
export function chapterAt(chapters: readonly Chapter[], index: number): Chapter | null {
  const k = chapterIndexAt(chapters, index);
  return k >= 0 ? chapters[k] : null;
}
