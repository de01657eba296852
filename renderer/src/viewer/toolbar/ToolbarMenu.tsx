import { type ReactNode, useEffect, useId, useRef } from 'react';

interface ToolbarMenuProps {
  label: string;
  testId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
}

/** A toolbar button with a panel under it; Escape or a click elsewhere closes it. */
export function ToolbarMenu({ label, testId, open, onOpenChange, children }: ToolbarMenuProps) {
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      onOpenChange(false);
      buttonRef.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) onOpenChange(false);
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, [open, onOpenChange]);

  return (
    <div className="toolbar-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid={testId}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => onOpenChange(!open)}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="toolbar-panel" id={panelId} data-testid={`${testId}-panel`}>
          {children}
        </div>
      )}
    </div>
  );
}
