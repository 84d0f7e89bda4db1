// The recorder's frame renderer: for each planned frame, the picture at that virtual
// time (the store's Timeline: nearest keyframe folded forward, reusing the previous
// frame's state), drawn by the export scene into one canvas at the video size.

import type { Timeline } from '../store/timeline';
import type { ThemeName } from '../theme/palette';
import { formatDuration } from '../store/printk';
import { CanvasPainter, makeCanvas } from '../export/painter';
import { drawScene, SCENE_W } from '../export/scene';
import { chapterAt } from '../export/chapters';
import type { WordBits } from '../stage/ports';
import type { FramePlan } from './schedule';
import type { VisualState } from '../../engine/trace/state';

/** How long the "skipping idle time" cue stays on screen after a skip, seconds of video. */
export const CUE_SECONDS = 1.5;

export interface FrameSource {
  timeline: Timeline;
  theme: ThemeName;
  title: string;
  wordBits: WordBits;
  reducedMotion: boolean;
  /** Diagram window, ns. */
  window: { t0: number; t1: number };
}

export interface FrameRenderer {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  draw(k: number): void;
}

export function frameRenderer(src: FrameSource, plan: FramePlan, width: number, height: number, fps: number): FrameRenderer {
  const canvas = makeCanvas(width, height);
  const ctx = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D | null;
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  const scale = width / SCENE_W;
  const painter = new CanvasPainter(ctx, scale);
  const tl = src.timeline;
  const cueFrames = Math.round(CUE_SECONDS * fps);
  let state: VisualState | null = null;
  let lastSkip = -Infinity;
  let lastSkipNs = 0;
  return {
    canvas,
    draw(k: number) {
      const t = plan.times[k];
      if (plan.skipped[k] > 0) {
        lastSkip = k;
        lastSkipNs = plan.skipped[k];
      }
      const index = tl.indexAtTime(t);
      state = tl.stateFrom(state, index);
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      drawScene(painter, {
        state,
        cols: tl.cols,
        time: t,
        index,
        endTime: tl.endTime,
        theme: src.theme,
        title: src.title,
        chapter: chapterAt(tl.index.chapters, index)?.label ?? '',
        window: src.window,
        wordBits: src.wordBits,
        reducedMotion: src.reducedMotion,
        cue: k - lastSkip < cueFrames ? `» skipping ${formatDuration(lastSkipNs)} of idle time` : null,
      });
    },
  };
}

