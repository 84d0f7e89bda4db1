// Transport icons as inline SVG (emoji glyphs are missing from many fonts, and these
// scale with the projector theme's type).

export type IconName = 'reset' | 'prevChapter' | 'stepBack' | 'play' | 'pause' | 'stepForward' | 'nextChapter' | 'end' | 'widen' | 'narrow';

const PATHS: Record<IconName, string> = {
  reset: 'M3 3h2v14H3zM17 3v14L6 10z',
  prevChapter: 'M10 3v14L2 10zM18 3v14l-8-7z',
  stepBack: 'M4 3h2v14H4zM16 3v14L7 10z',
  play: 'M5 3l12 7-12 7z',
  pause: 'M4 3h4v14H4zM12 3h4v14h-4z',
  stepForward: 'M14 3h2v14h-2zM4 3l9 7-9 7z',
  nextChapter: 'M2 3l8 7-8 7zM10 3l8 7-8 7z',
  end: 'M15 3h2v14h-2zM3 3l11 7-11 7z',
  widen: 'M2 9h8V5l6 5-6 5v-4H2zM17 3h2v14h-2z',
  narrow: 'M18 9h-8V5l-6 5 6 5v-4h8zM1 3h2v14H1z',
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 20 20" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
