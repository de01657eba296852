import { useCallback, useEffect, useRef, useState } from 'react';
import { canPerform } from '../../../protocol';
import { FileDropZone } from '../files/FileDropZone';
import { FilesButton } from '../files/FilesButton';
import { StateBadge } from '../sessions/StateBadge';
import { useSessions } from '../sessions/sessions-store';
import { TerminateButton } from '../sessions/TerminateButton';
import { Logo } from '../ui/Logo';
import { ConnectionStatus } from './ConnectionStatus';
import { PasteBox } from './clipboard/PasteBox';
import { IdleBanner } from './idle/IdleBanner';
import { useInputActivity } from './idle/useInputActivity';
import { HelpOverlay } from './toolbar/HelpOverlay';
import { isHelpKey } from './toolbar/help-key';
import { useToolbarAutoHide } from './toolbar/useToolbarAutoHide';
import { useViewerControls } from './toolbar/useViewerControls';
import { ViewerToolbar } from './toolbar/ViewerToolbar';
import { useRelaunch } from './useRelaunch';
import { useViewerStats } from './useViewerStats';
import { useViewerTitle } from './useViewerTitle';
import { useVncViewer } from './useVncViewer';
import { ViewerOverlay } from './ViewerOverlay';

export function ViewerScreen({ name }: { name: string }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLDivElement>(null);
  const session = useSessions((s) => s.byName[name]?.session);
  const { controls, settings } = useViewerControls(session?.template);
  const { view, connect, disconnect, input } = useVncViewer(name, screenRef, controls);
  const title = useViewerTitle(name, session?.template);
  const stats = useViewerStats(view.status, screenRef);
  const relaunch = useRelaunch(session);
  const connected = view.status === 'connected';
  const [menuOpen, setMenuOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const barVisible = useToolbarAutoHide(barRef, connected, menuOpen || help);
  const closeHelp = useCallback(() => setHelp(false), []);
  const reportInput = useInputActivity(name, stageRef);

  // `?` is the app's only key of its own, and only while the session does not have the keyboard.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      const inSession = target !== null && (screenRef.current?.contains(target) ?? false);
      if (!isHelpKey(event, target, inSession)) return;
      event.preventDefault();
      setHelp(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`viewer viewer-${view.status} viewer-scaling-${settings.scaling}`}>
      <div
        className={`viewer-bar${barVisible ? '' : ' viewer-bar-hidden'}`}
        data-testid="viewer-bar"
        data-visible={barVisible}
        ref={barRef}
      >
        <div className="viewer-id">
          <Logo size={18} />
          <span className="viewer-name" data-testid="viewer-title" title={name}>
            {title}
          </span>
          {session && <StateBadge state={session.state} />}
        </div>
        <div className="viewer-conn">
          <ConnectionStatus status={view.status} stats={stats} />
          {session && canPerform(session.state, 'terminate') && (
            <TerminateButton session={session} title={title} className="btn btn-small btn-ghost-dark" />
          )}
          {connected && <PasteBox input={input} />}
          {session && <FilesButton name={name} title={title} className="btn btn-small btn-ghost-dark" />}
          <ViewerToolbar
            controls={controls}
            settings={settings}
            input={input}
            connected={connected}
            title={title}
            screenRef={screenRef}
            onDisconnect={disconnect}
            onHelp={() => setHelp(true)}
            onMenuOpen={setMenuOpen}
          />
        </div>
      </div>
      <div className="viewer-stage" ref={stageRef}>
        <div
          className="viewer-screen"
          data-testid="viewer-screen"
          data-scaling={settings.scaling}
          data-view-only={settings.viewOnly}
          ref={screenRef}
        />
        <FileDropZone name={name} />
        {connected && <IdleBanner name={name} onKeep={reportInput} />}
        {!connected && (
          <ViewerOverlay view={view} state={session?.state} onConnect={connect} relaunch={relaunch} />
        )}
      </div>
      {help && <HelpOverlay onClose={closeHelp} />}
    </div>
  );
}
