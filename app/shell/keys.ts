// The keyboard map (also listed in the help dialog). Presenter clickers send PgUp/PgDn
// and `.`: PgUp/PgDn move between chapters; `.` plays/pauses (RaftScope's clicker key),
// except in presenter mode, where it goes to the next chapter like the clicker's
// "next" button, so a lecturer can step through a run without touching the laptop.

import type { PlaygroundState } from '../store/store';

export const KEYS: { keys: string[]; what: string }[] = [
  { keys: ['Space'], what: 'Play / pause' },
  { keys: ['.'], what: 'Play / pause; in presenter mode: next chapter (a clicker\'s "next")' },
  { keys: ['←', '→'], what: 'Step back / forward to the previous / next moment that changes the picture' },
  { keys: ['PgUp', 'PgDn'], what: 'Previous / next chapter (scenario steps, CPU bring-up, offline, panic)' },
  { keys: ['Home', 'End'], what: 'Reset to the start / go to the end' },
  { keys: ['+', '−'], what: 'Faster / slower' },
  { keys: ['?'], what: 'This help' },
  { keys: ['Esc'], what: 'Close a dialog or menu; leave presenter mode' },
];

/** Presenter mode's keys (the help dialog lists them while presenting). */
export const PRESENTER_KEYS: { keys: string[]; what: string }[] = [
  { keys: ['PgDn', '.'], what: 'Next chapter (a clicker\'s "next")' },
  { keys: ['PgUp'], what: 'Previous chapter (a clicker\'s "back")' },
  { keys: ['Space'], what: 'Play / pause' },
  { keys: ['←', '→'], what: 'Step back / forward' },
  { keys: ['Home', 'End'], what: 'Start / end of the run' },
  { keys: ['Esc'], what: 'Leave presenter mode' },
];

/** Elements whose own keyboard handling wins (typing, menus, tabs, sliders, buttons). */
function ownsKeys(el: Element | null, key: string): boolean {
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    if (type === 'checkbox' || type === 'radio') return key === ' ';
    if (type === 'range') return key !== ' ' && key !== '.' && key !== '?';
    return true;
  }
  const role = el.getAttribute('role');
  if (role === 'menuitem' || role === 'menu' || role === 'tab' || role === 'option' || role === 'slider' || role === 'grid') {
    return key !== '?' && key !== '.' && key !== 'PageUp' && key !== 'PageDown';
  }
  if ((tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') && (key === ' ' || key === 'Enter')) return true;
  return false;
}

/** Handles one keydown; returns true when the playground used it. */
export function handleKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>, s: PlaygroundState): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  if (s.view.helpOpen) {
    if (e.key === 'Escape' || e.key === '?') {
      s.setHelpOpen(false);
      return true;
    }
    return false;
  }
  // A dialog handles its own keys (Esc closes it).
  if (s.view.dialog) return false;
  if (ownsKeys(e.target as Element | null, e.key)) return false;
  if (s.view.presenter) {
    if (e.key === '.') {
      s.nextChapter();
      return true;
    }
    if (e.key === 'Escape') {
      s.setPresenter(false);
      return true;
    }
  }
  switch (e.key) {
    case ' ':
    case '.':
      s.togglePlay();
      return true;
    case 'ArrowLeft':
      s.stepBack();
      return true;
    case 'ArrowRight':
      s.stepForward();
      return true;
    case 'PageUp':
      s.prevChapter();
      return true;
    case 'PageDown':
      s.nextChapter();
      return true;
    case 'Home':
      s.reset();
      return true;
    case 'End':
      s.goToEnd();
      return true;
    case '+':
    case '=':
      s.setSpeed(s.playback.speed * 2);
      return true;
    case '-':
    case '_':
      s.setSpeed(s.playback.speed / 2);
      return true;
    case '?':
      s.setHelpOpen(true);
      return true;
  }
  return false;
}
