// The keyboard map (also listed in the help dialog). Presenter clickers send PgUp/PgDn
// and `.`: PgUp/PgDn move between chapters, `.` plays/pauses (RaftScope's clicker key),
// so a lecturer can jump to a chapter and play it without touching the laptop.

import type { PlaygroundState } from '../store/store';

export const KEYS: { keys: string[]; what: string }[] = [
  { keys: ['Space', '.'], what: 'Play / pause' },
  { keys: ['←', '→'], what: 'Step back / forward to the previous / next moment that changes the picture' },
  { keys: ['PgUp', 'PgDn'], what: 'Previous / next chapter (scenario steps, CPU bring-up, offline, panic)' },
  { keys: ['Home', 'End'], what: 'Reset to the start / go to the end' },
  { keys: ['+', '−'], what: 'Faster / slower' },
  { keys: ['?'], what: 'This help' },
  { keys: ['Esc'], what: 'Close a dialog or menu' },
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
  if (ownsKeys(e.target as Element | null, e.key)) return false;
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
