// A modal dialog for the shell's dialogs (about, presets, record, copy): labelled by its
// title, focus moves in on open and back to the opener on close, Tab stays inside, Esc
// and a click on the backdrop close it (unless `busy`). While one is open the playground
// keys are off (store view.dialog).

import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** A long task runs: Esc and the backdrop do not close (the dialog offers Cancel). */
  busy?: boolean;
  className?: string;
  /** Extra text for screen readers (aria-describedby). */
  description?: string;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, onClose, children, busy = false, className, description }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = useRef(onClose);
  close.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    const opener = document.activeElement;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? el)?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busyRef.current) close.current();
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-desc` : undefined}
        tabIndex={-1}
        className={`modal${className ? ` ${className}` : ''}`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            if (!busyRef.current) close.current();
            return;
          }
          if (e.key !== 'Tab') return;
          const items = Array.from(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []).filter((x) => x.offsetParent !== null || x === document.activeElement);
          if (!items.length) return;
          const i = items.indexOf(document.activeElement as HTMLElement);
          if (e.shiftKey && (i <= 0)) {
            e.preventDefault();
            items[items.length - 1].focus();
          } else if (!e.shiftKey && i === items.length - 1) {
            e.preventDefault();
            items[0].focus();
          }
        }}
      >
        <div className="modal-head">
          <h2 id={`${id}-title`}>{title}</h2>
          <button type="button" className="modal-x" aria-label="Close" title="Close (Esc)" disabled={busy} onClick={() => close.current()}>
            ×
          </button>
        </div>
        {description ? (
          <p id={`${id}-desc`} className="sr-only">
            {description}
          </p>
        ) : null}
        {children}
      </div>
    </div>
  );
}
