// "Record a video": the whole run, the current chapter or a range of virtual time,
// rendered frame by frame from the trace at a fixed virtual frame rate (schedule.ts) and
// encoded with WebCodecs (encode.ts, mediabunny loaded on demand) as WebM (VP9) or MP4
// (H.264), 720p or 1080p, 30 or 60 fps. The frame count is exactly duration × fps.
// Progress bar and Cancel; the file is saved when done, with how fast it was encoded.

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { Dialog } from '../share/Dialog';
import { download, fileName } from '../export/exporters';
import { chapterIndexAt } from '../present/notes';
import { formatTime } from '../store/printk';
import { reducedMotionOf, type PlaygroundStore } from '../store/store';
import { NS_PER_MS_AT_1X } from '../store/playback';
import { planFrames, type FramePlan } from './schedule';
import { frameRenderer } from './frames';
import { EncodeCancelled, encodeVideo, type VideoFormat } from './encode';

type RangeMode = 'all' | 'chapter' | 'custom';
const SIZES = { '720p': [1280, 720], '1080p': [1920, 1080] } as const;
type SizeName = keyof typeof SIZES;

type Job =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; blob: Blob; name: string; frames: number; fps: number; seconds: number; ms: number; drawMs: number; size: string; codec: string }
  | { kind: 'error'; message: string };

const msText = (ns: number) => String(Number((ns / 1e6).toFixed(6)));

export function RecordDialog({ store }: { store: PlaygroundStore }) {
  const tl = useStore(store, (s) => s.run.timeline);
  const index = useStore(store, (s) => s.playback.index);
  const speed = useStore(store, (s) => s.playback.speed);
  const u = useId();
  const end = tl ? tl.endTime : 0;
  const start = tl && tl.cols.length ? tl.cols.t[0] : 0;
  const chapters = tl ? tl.index.chapters : [];
  const k = chapterIndexAt(chapters, index);
  const chapterRange = k >= 0 ? [chapters[k].t, k + 1 < chapters.length ? chapters[k + 1].t : end + 1] : [start, end + 1];

  const [mode, setMode] = useState<RangeMode>(k >= 0 ? 'chapter' : 'all');
  const [from, setFrom] = useState(() => msText(start));
  const [to, setTo] = useState(() => msText(end));
  const [pace, setPace] = useState(() => String(Number(((speed * NS_PER_MS_AT_1X * 1000) / 1e6).toPrecision(3))));
  const [skipQuiet, setSkipQuiet] = useState(true);
  const [format, setFormat] = useState<VideoFormat>('webm');
  const [size, setSize] = useState<SizeName>('720p');
  const [fps, setFps] = useState<30 | 60>(30);
  const [job, setJob] = useState<Job>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const range: [number, number] | string = useMemo(() => {
    if (mode === 'all') return [start, end + 1];
    if (mode === 'chapter') return [chapterRange[0], chapterRange[1]];
    const a = Number(from) * 1e6;
    const b = Number(to) * 1e6;
    if (from.trim() === '' || to.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) return 'from and to must be numbers of milliseconds';
    if (a < 0) return '“from” cannot be before 0 ms';
    if (b <= a) return '“to” must be after “from”';
    return [Math.round(a), Math.round(b)];
  }, [mode, from, to, start, end, chapterRange[0], chapterRange[1]]); // eslint-disable-line react-hooks/exhaustive-deps

  const nsPerSecond = Number(pace) * 1e6;
  const plan: FramePlan | string = useMemo(() => {
    if (!tl) return 'no run yet';
    if (typeof range === 'string') return range;
    if (!(nsPerSecond > 0) || !Number.isFinite(nsPerSecond)) return 'the pace must be a positive number of milliseconds';
    try {
      return planFrames(tl.cols.t, tl.folded, { t0: range[0], t1: range[1], fps, nsPerSecond, skipQuiet });
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }, [tl, range, nsPerSecond, fps, skipQuiet]);

  const [w, h] = SIZES[size];
  const running = job.kind === 'running';

  async function record() {
    if (!tl || typeof plan === 'string') return;
    const s = store.getState();
    s.pause();
    const ac = new AbortController();
    abort.current = ac;
    const frames = plan.times.length;
    setJob({ kind: 'running', done: 0, total: frames });
    try {
      const r = frameRenderer(
        {
          timeline: tl,
          theme: s.view.theme,
          title: s.scenario.scenario?.title ?? '',
          wordBits: s.scenario.scenario?.guest.bits ?? 64,
          reducedMotion: reducedMotionOf(s.view),
          window: typeof range === 'string' ? { t0: 0, t1: end } : { t0: range[0], t1: Math.max(range[1], range[0] + 1) },
        },
        plan,
        w,
        h,
        fps,
      );
      let shown = 0;
      const res = await encodeVideo(r.canvas, {
        format,
        width: w,
        height: h,
        fps,
        frames,
        draw: r.draw,
        signal: ac.signal,
        onProgress: (done) => {
          if (done - shown >= 4 || done === frames) {
            shown = done;
            setJob({ kind: 'running', done, total: frames });
          }
        },
      });
      const name = fileName(store.getState(), format, false).replace(/\.(webm|mp4)$/, `-${size}${fps}.${format}`);
      download(res.blob, name);
      setJob({ kind: 'done', blob: res.blob, name, frames, fps, seconds: frames / fps, ms: res.ms, drawMs: res.drawMs, size: `${w}×${h}`, codec: res.codec });
    } catch (e) {
      if (e instanceof EncodeCancelled || ac.signal.aborted) setJob({ kind: 'idle' });
      else setJob({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      abort.current = null;
    }
  }

  const frames = typeof plan === 'string' ? 0 : plan.times.length;
  return (
    <Dialog title="Record a video" onClose={() => store.getState().setDialog(null)} busy={running} className="record">
      <form
        className="record-form"
        onSubmit={(e) => {
          e.preventDefault();
          void record();
        }}
      >
        <fieldset disabled={running}>
          <legend>What</legend>
          <label>
            <input type="radio" name={`${u}-range`} checked={mode === 'all'} onChange={() => setMode('all')} /> Whole run ({formatTime(start)} – {formatTime(end)})
          </label>
          <label>
            <input type="radio" name={`${u}-range`} checked={mode === 'chapter'} disabled={k < 0} onChange={() => setMode('chapter')} /> Current chapter
            {k >= 0 ? ` “${chapters[k].label}” (${formatTime(chapterRange[0])} – ${formatTime(chapterRange[1])})` : ''}
          </label>
          <label>
            <input type="radio" name={`${u}-range`} checked={mode === 'custom'} onChange={() => setMode('custom')} /> A range of virtual time
          </label>
          <div className="record-range">
            <label>
              From (ms) <input type="text" inputMode="decimal" value={from} disabled={mode !== 'custom'} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              To (ms) <input type="text" inputMode="decimal" value={to} disabled={mode !== 'custom'} onChange={(e) => setTo(e.target.value)} />
            </label>
          </div>
        </fieldset>
        <fieldset disabled={running}>
          <legend>Pace</legend>
          <label>
            Virtual ms per second of video <input type="text" inputMode="decimal" value={pace} onChange={(e) => setPace(e.target.value)} />
          </label>
          <label>
            <input type="checkbox" checked={skipQuiet} onChange={(e) => setSkipQuiet(e.target.checked)} /> Skip quiet gaps (like playback)
          </label>
        </fieldset>
        <fieldset disabled={running} className="record-format">
          <legend>Video</legend>
          <div role="radiogroup" aria-label="Format">
            {(['webm', 'mp4'] as const).map((f) => (
              <label key={f}>
                <input type="radio" name={`${u}-fmt`} checked={format === f} onChange={() => setFormat(f)} /> {f === 'webm' ? 'WebM (VP9)' : 'MP4 (H.264)'}
              </label>
            ))}
          </div>
          <div role="radiogroup" aria-label="Size">
            {(Object.keys(SIZES) as SizeName[]).map((sz) => (
              <label key={sz}>
                <input type="radio" name={`${u}-size`} checked={size === sz} onChange={() => setSize(sz)} /> {sz}
              </label>
            ))}
          </div>
          <div role="radiogroup" aria-label="Frame rate">
            {([30, 60] as const).map((r) => (
              <label key={r}>
                <input type="radio" name={`${u}-fps`} checked={fps === r} onChange={() => setFps(r)} /> {r} fps
              </label>
            ))}
          </div>
        </fieldset>
        <p className="record-plan" aria-live="polite">
          {typeof plan === 'string' ? (
            <span className="field-error">{plan}</span>
          ) : (
            <>
              → <strong>{(frames / fps).toFixed(3)} s</strong> of video: {frames.toLocaleString('en')} frames at {fps} fps, {w}×{h}, {format === 'webm' ? 'VP9 in WebM' : 'H.264 in MP4'}
            </>
          )}
        </p>
        {job.kind === 'running' ? (
          <div className="record-progress">
            <progress aria-label="Recording progress" max={job.total} value={job.done} />
            <span className="mono small">
              frame {job.done.toLocaleString('en')} of {job.total.toLocaleString('en')}
            </span>
          </div>
        ) : null}
        {job.kind === 'done' ? (
          <p role="status" className="record-done" data-frames={job.frames} data-ms={job.ms.toFixed(1)} data-draw-ms={job.drawMs.toFixed(1)} data-fps={job.fps}>
            Saved <strong>{job.name}</strong>: {job.frames.toLocaleString('en')} frames, {job.seconds.toFixed(3)} s, {job.size}, {job.codec === 'vp9' ? 'VP9' : 'H.264'} — encoded in{' '}
            {(job.ms / 1000).toFixed(2)} s ({((job.frames * 1000) / job.ms).toFixed(0)} frames/s, {((job.seconds * 1000) / job.ms).toFixed(1)}× real time).{' '}
            <button type="button" className="linkish" onClick={() => download(job.blob, job.name)}>
              Save again
            </button>
          </p>
        ) : null}
        {job.kind === 'error' ? (
          <p role="alert" className="field-error">
            Recording failed: {job.message}
          </p>
        ) : null}
        <div className="dialog-actions">
          {running ? (
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel recording
            </button>
          ) : (
            <button type="submit" className="primary" disabled={typeof plan === 'string'}>
              Record
            </button>
          )}
          <span className="muted small">Rendered frame by frame from the trace: the video is exact however fast this machine is.</span>
        </div>
      </form>
    </Dialog>
  );
}

