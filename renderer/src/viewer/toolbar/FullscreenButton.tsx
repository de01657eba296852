import { useEffect, useState } from 'react';

export function FullscreenButton() {
  const [fullscreen, setFullscreen] = useState(() => document.fullscreenElement !== null);

  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);

  if (!document.fullscreenEnabled) return null;
  const toggle = () => {
    const request = fullscreen ? document.exitFullscreen() : document.documentElement.requestFullscreen();
    request.catch(() => undefined);
  };
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost-dark"
      data-testid="viewer-fullscreen"
      aria-pressed={fullscreen}
      onClick={toggle}
    >
      {fullscreen ? 'Exit full screen' : 'Full screen'}
    </button>
  );
}
