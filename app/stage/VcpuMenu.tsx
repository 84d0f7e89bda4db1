// The actions menu of one vCPU: a menu button (WAI-ARIA menu button pattern) whose
// popup lists the contract's items. Disabled items stay focusable (aria-disabled) so a
// keyboard user can read why; activating one does nothing.

import { createContext, useCallback, useContext, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { VcpuAction } from './contract';
import type { MenuItem } from './vcpuView';

/** Where popups are portalled: the stage root, so they inherit the theme variables. */
export const PopupRootContext = createContext<HTMLElement | null>(null);

interface Props {
  cpu: number;
  /** The items, or a function giving them (called only while the menu is open). */
  items: MenuItem[] | (() => MenuItem[]);
  onAction(cpu: number, action: VcpuAction): void;
  /** What the button shows (its accessible name is always `CPU <n> actions`). */
  children: ReactNode;
  title?: string;
  className?: string;
}

const NO_ITEMS: MenuItem[] = [];

export function VcpuMenu({ cpu, items: itemsIn, onAction, children, title, className }: Props) {
  const [open, setOpen] = useState(false);
  const [focusAt, setFocusAt] = useState(0);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const root = useContext(PopupRootContext);
  const id = useId();
  // Lazy items are computed only while open (a tile grid has a hundred menus).
  const items = typeof itemsIn === 'function' ? (open ? itemsIn() : NO_ITEMS) : itemsIn;

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  }, []);

  const openAt = (index: number) => {
    setFocusAt(index);
    setOpen(true);
  };

  // Place the popup below the button, flipped up or left when it would leave the window.
  useLayoutEffect(() => {
    if (!open || !button.current) return;
    const b = button.current.getBoundingClientRect();
    const m = menu.current?.getBoundingClientRect();
    const w = m?.width ?? 280;
    const h = m?.height ?? 260;
    const vw = window.innerWidth || 1280;
    const vh = window.innerHeight || 800;
    let left = b.left;
    let top = b.bottom + 4;
    if (left + w > vw - 4) left = Math.max(4, b.right - w);
    if (top + h > vh - 4) top = Math.max(4, b.top - h - 4);
    setPos((p) => (p && p.left === left && p.top === top ? p : { left, top }));
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const list = menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]');
    list?.[Math.max(0, Math.min(focusAt, list.length - 1))]?.focus();
  }, [open, focusAt, pos]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) close(false);
    };
    document.addEventListener('pointerdown', onDown, true);
    return () => document.removeEventListener('pointerdown', onDown, true);
  }, [open, close]);

  const onButtonKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openAt(firstEnabled(allItems()));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      openAt(allItems().length - 1);
    }
  };

  function allItems(): MenuItem[] {
    return typeof itemsIn === 'function' ? itemsIn() : itemsIn;
  }

  const onMenuKey = (e: React.KeyboardEvent) => {
    const n = items.length;
    if (e.key === 'ArrowDown') setFocusAt((i) => (i + 1) % n);
    else if (e.key === 'ArrowUp') setFocusAt((i) => (i - 1 + n) % n);
    else if (e.key === 'Home') setFocusAt(0);
    else if (e.key === 'End') setFocusAt(n - 1);
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') close(false);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
  };

  const choose = (it: MenuItem) => {
    if (it.disabled) return;
    close(true);
    onAction(cpu, it.action);
  };

  const popup = open ? (
    <ul
      ref={menu}
      role="menu"
      id={id}
      aria-label={`CPU ${cpu} actions`}
      className="xs-menu"
      style={{ left: pos?.left ?? -9999, top: pos?.top ?? -9999 }}
      onKeyDown={onMenuKey}
    >
      <li role="presentation" className="xs-menu-title">
        Adds a scenario step at the playhead
      </li>
      {items.map((it, i) => (
        <li role="presentation" key={it.action}>
          <button
            type="button"
            role="menuitem"
            className="xs-menuitem"
            tabIndex={-1}
            aria-disabled={it.disabled || undefined}
            onClick={() => choose(it)}
            onFocus={() => setFocusAt(i)}
          >
            {it.label}
            <span className="xs-menuitem-hint" aria-hidden="true">
              {it.hint}
            </span>
          </button>
        </li>
      ))}
    </ul>
  ) : null;

  return (
    <>
      <button
        ref={button}
        type="button"
        className={className ?? 'xs-menu-button'}
        aria-label={`CPU ${cpu} actions`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        title={title}
        onClick={() => (open ? close(false) : openAt(firstEnabled(allItems())))}
        onKeyDown={onButtonKey}
      >
        {children}
      </button>
      {popup ? createPortal(popup, root ?? document.body) : null}
    </>
  );
}

function firstEnabled(items: MenuItem[]): number {
  const i = items.findIndex((it) => !it.disabled);
  return i < 0 ? 0 : i;
}
