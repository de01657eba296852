import { type RefObject, useCallback, useState } from 'react';
import type { ViewerInput } from '../clipboard/viewer-input';
import { SCALING_LABELS, SCALING_MODES, type ScalingMode } from '../scaling/scaling-mode';
import { FullscreenButton } from './FullscreenButton';
import { canvasPng, downloadBlob, screenshotName } from './screenshot';
import { SPECIAL_KEYS } from './special-keys';
import { ToolbarMenu } from './ToolbarMenu';
import type { ViewerControls, ViewerSettings } from './viewer-controls';
import { KEYBOARD_LAYOUT_LABELS, KEYBOARD_LAYOUTS, type KeyboardLayout } from './viewer-prefs';

interface ViewerToolbarProps {
  controls: ViewerControls;
  settings: ViewerSettings;
  input: ViewerInput;
  connected: boolean;
  title: string;
  screenRef: RefObject<HTMLDivElement | null>;
  onDisconnect: () => void;
  onHelp: () => void;
  /** A menu is open: the toolbar must not hide under it. */
  onMenuOpen: (open: boolean) => void;
  onKeyboardLayout?: (layout: KeyboardLayout) => void;
}

const LEVELS = Array.from({ length: 10 }, (_, i) => i);
type Menu = 'keys' | 'display' | null;

/** One of noVNC's 0-9 levels (quality, compression), as a labelled select. */
function LevelField(props: {
  label: string;
  testId: string;
  value: number;
  onChange: (level: number) => void;
}) {
  return (
    <label className="toolbar-field">
      {props.label}
      <select
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
      >
        {LEVELS.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The viewer's own controls: keys the local system keeps, display, picture, and the stream. */
export function ViewerToolbar(props: ViewerToolbarProps) {
  const { controls, settings, input, connected } = props;
  const [menu, setMenu] = useState<Menu>(null);
  const [note, setNote] = useState('');
  const { onMenuOpen } = props;
  const openMenu = useCallback(
    (which: Menu) => {
      setMenu(which);
      onMenuOpen(which !== null);
    },
    [onMenuOpen],
  );
  const keysOpen = useCallback((open: boolean) => openMenu(open ? 'keys' : null), [openMenu]);
  const displayOpen = useCallback((open: boolean) => openMenu(open ? 'display' : null), [openMenu]);

  /** Sent, then the keyboard goes back to the session, as after any key. */
  const send = (run: () => boolean) => {
    openMenu(null);
    if (!run()) setNote(settings.viewOnly ? 'View only: keys are not sent.' : 'Not connected.');
    else setNote('');
    controls.focusSession();
  };

  const screenshot = () => {
    const canvas = props.screenRef.current?.querySelector('canvas') ?? null;
    canvasPng(canvas).then(
      (blob) => {
        downloadBlob(document, blob, screenshotName(props.title, new Date()));
        setNote('');
      },
      (error: unknown) => setNote(error instanceof Error ? error.message : 'The screenshot failed.'),
    );
  };

  return (
    <div className="viewer-tools" role="toolbar" aria-label="Viewer controls" data-testid="viewer-toolbar">
      <ToolbarMenu label="Keys" testId="viewer-keys" open={menu === 'keys'} onOpenChange={keysOpen}>
        <button
          type="button"
          className="btn btn-small btn-ghost-dark"
          data-testid="viewer-ctrl-alt-del"
          disabled={!connected || settings.viewOnly}
          onClick={() => send(() => controls.ctrlAltDel())}
        >
          Ctrl+Alt+Del
        </button>
        {SPECIAL_KEYS.map((k) => (
          <button
            key={k.id}
            type="button"
            className="btn btn-small btn-ghost-dark"
            data-testid={`viewer-key-${k.id}`}
            disabled={!connected || settings.viewOnly}
            onClick={() => send(() => input.pressKeys(k.keysyms))}
          >
            {k.label}
          </button>
        ))}
      </ToolbarMenu>
      <ToolbarMenu
        label="Display"
        testId="viewer-display"
        open={menu === 'display'}
        onOpenChange={displayOpen}
      >
        <fieldset className="toolbar-field">
          <legend>Scaling</legend>
          {SCALING_MODES.map((mode: ScalingMode) => (
            <label key={mode} className="toolbar-radio">
              <input
                type="radio"
                name="viewer-scaling"
                value={mode}
                data-testid={`viewer-scaling-${mode}`}
                checked={settings.scaling === mode}
                onChange={() => controls.update({ scaling: mode })}
              />
              {SCALING_LABELS[mode]}
            </label>
          ))}
        </fieldset>
        <LevelField
          label="Picture quality (0 = smallest, 9 = best)"
          testId="viewer-quality"
          value={settings.quality}
          onChange={(quality) => controls.update({ quality })}
        />
        <LevelField
          label="Compression (0 = least work, 9 = fewest bytes)"
          testId="viewer-compression"
          value={settings.compression}
          onChange={(compression) => controls.update({ compression })}
        />
        <label className="toolbar-field">
          Keyboard layout
          <select
            data-testid="viewer-keyboard-layout"
            value={settings.keyboardLayout}
            onChange={(e) => {
              const layout = e.target.value as KeyboardLayout;
              controls.update({ keyboardLayout: layout });
              props.onKeyboardLayout?.(layout);
            }}
          >
            {KEYBOARD_LAYOUTS.map((l) => (
              <option key={l} value={l}>
                {KEYBOARD_LAYOUT_LABELS[l]}
              </option>
            ))}
          </select>
        </label>
      </ToolbarMenu>
      <button
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid="viewer-view-only"
        aria-pressed={settings.viewOnly}
        onClick={() => controls.update({ viewOnly: !settings.viewOnly })}
      >
        View only
      </button>
      <button
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid="viewer-screenshot"
        disabled={!connected}
        onClick={screenshot}
      >
        Screenshot
      </button>
      <FullscreenButton />
      <button
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid="viewer-help-button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={props.onHelp}
      >
        ?
      </button>
      <button
        type="button"
        className="btn btn-small btn-ghost-dark"
        data-testid="viewer-disconnect"
        disabled={!connected}
        onClick={props.onDisconnect}
      >
        Disconnect
      </button>
      <span className="toolbar-note" role="status" aria-live="polite" data-testid="viewer-toolbar-note">
        {note}
      </span>
    </div>
  );
}
