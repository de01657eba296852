import { createKeyTranslator, type KeyAction, type KeyInfo, shortcutKeysym } from './key-translator';

/** The part of noVNC's RFB that takes keys. */
export interface KeySink {
  sendKey(keysym: number, code: string | null, down?: boolean): void;
}

const info = (e: KeyboardEvent): KeyInfo => ({
  key: e.key,
  code: e.code,
  shiftKey: e.shiftKey,
  ctrlKey: e.ctrlKey,
  altKey: e.altKey,
  metaKey: e.metaKey,
  repeat: e.repeat,
  isComposing: e.isComposing,
  keyCode: e.keyCode,
  altGraph: e.getModifierState('AltGraph'),
});

/** Ctrl+V (and Ctrl+Shift+V, as terminals use): the browser's paste event then carries the text. */
function isPasteShortcut(e: KeyboardEvent): boolean {
  return (
    (e.ctrlKey || e.metaKey) &&
    !e.altKey &&
    (shortcutKeysym(e.key.toLowerCase(), e.code, false) ?? 0) === 0x76
  );
}

export interface KeyboardOptions {
  /**
   * Text the person pasted here (Ctrl+V): given before the keys go on, so the session's app
   * pastes it. The paste event needs no clipboard permission, unlike reading the clipboard.
   */
  onPaste?: (text: string) => void;
}

/** Adds a listener; returns the function that removes it. */
function listen<K extends keyof HTMLElementEventMap>(
  element: HTMLElement,
  type: K,
  handler: (event: HTMLElementEventMap[K]) => void,
): () => void {
  element.addEventListener(type, handler);
  return () => element.removeEventListener(type, handler);
}

/** Off screen in effect, but focusable and editable, so input methods and insertText reach it. */
const HIDDEN_STYLE: Partial<CSSStyleDeclaration> = {
  position: 'absolute',
  left: '0',
  top: '0',
  width: '1px',
  height: '1px',
  opacity: '0',
  border: '0',
  padding: '0',
  margin: '0',
  resize: 'none',
  overflow: 'hidden',
  pointerEvents: 'none',
  background: 'transparent',
  color: 'transparent',
  caretColor: 'transparent',
  whiteSpace: 'pre',
};

/**
 * Takes the keyboard from noVNC: a hidden textarea in the viewer holds the focus instead of
 * noVNC's canvas, so text that comes without key events (IME, compose, dictation, insertText)
 * arrives as `input`, and key events are sent as keysyms without a scancode (see KeyTranslator).
 * noVNC's own listeners sit on the canvas, which never has the focus now, so nothing goes twice.
 * Returns the function that undoes it.
 */
export function attachKeyboard(
  target: HTMLElement,
  sink: KeySink,
  options: KeyboardOptions = {},
): () => void {
  const doc = target.ownerDocument;
  const input = doc.createElement('textarea');
  input.className = 'viewer-keyboard-input';
  input.dataset.testid = 'viewer-keyboard-input';
  input.setAttribute('aria-label', 'Keyboard input to the session');
  input.setAttribute('autocapitalize', 'off');
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('autocorrect', 'off');
  input.spellcheck = false;
  Object.assign(input.style, HIDDEN_STYLE);
  target.appendChild(input);

  const translator = createKeyTranslator();
  let composing = false;
  const send = (actions: KeyAction[]) => {
    for (const { keysym, down } of actions) sink.sendKey(keysym, null, down);
  };
  /** The textarea's content is the one source of typed text, so none of it is sent twice. */
  const flush = () => {
    const text = input.value;
    input.value = '';
    if (text) send(translator.text(text));
  };

  /** A paste shortcut's keys, held back until its paste event has set the session's clipboard. */
  let heldForPaste: KeyAction[] | null = null;
  const releasePaste = () => {
    const actions = heldForPaste;
    heldForPaste = null;
    if (actions) send(actions);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    releasePaste();
    const decision = translator.keyDown(info(e));
    if (options.onPaste && decision.actions.length > 0 && isPasteShortcut(e)) {
      // The browser pastes into the textarea as its default action, right after this event.
      heldForPaste = decision.actions;
      setTimeout(releasePaste, 0);
      return;
    }
    if (decision.preventDefault) e.preventDefault();
    send(decision.actions);
  };
  const onPaste = (e: ClipboardEvent) => {
    e.preventDefault();
    const text = e.clipboardData?.getData('text/plain') ?? '';
    if (text) options.onPaste?.(text);
    releasePaste();
  };
  const onKeyUp = (e: KeyboardEvent) => {
    releasePaste();
    const decision = translator.keyUp(info(e));
    if (decision.preventDefault) e.preventDefault();
    send(decision.actions);
  };
  const onInput = (e: Event) => {
    if (composing || (e instanceof InputEvent && e.isComposing)) return;
    flush();
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    flush();
  };
  const onBlur = () => {
    releasePaste();
    composing = false;
    input.value = '';
    send(translator.releaseAll());
  };
  // noVNC focuses its canvas (on connect, on click): the focus belongs to the textarea.
  const onFocusIn = (e: FocusEvent) => {
    if (e.target !== input) input.focus({ preventScroll: true });
  };

  const unlisten = [
    listen(input, 'keydown', onKeyDown),
    listen(input, 'keyup', onKeyUp),
    listen(input, 'input', onInput),
    listen(input, 'paste', onPaste),
    listen(input, 'compositionstart', onCompositionStart),
    listen(input, 'compositionend', onCompositionEnd),
    listen(input, 'blur', onBlur),
    listen(target, 'focusin', onFocusIn),
  ];
  if (target.contains(doc.activeElement) && doc.activeElement !== input) input.focus({ preventScroll: true });

  return () => {
    for (const off of unlisten) off();
    const focused = doc.activeElement === input;
    input.remove();
    if (focused) send(translator.releaseAll());
  };
}
