import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { watchDevicePixelRatio } from '../scaling/device-pixel-resize';
import { browserStorage, createScalingStore } from '../scaling/scaling-store';
import { createViewerControls } from './viewer-controls';
import { loadPrefs, savePrefs } from './viewer-prefs';

/**
 * The viewer's toolbar settings: scaling remembered per template, picture and keyboard layout
 * for every session, view-only for this window only.
 */
export function useViewerControls(template: string | undefined) {
  const templateRef = useRef(template);
  const { controls, scaling } = useMemo(() => {
    const storage = browserStorage();
    const scaling = createScalingStore(storage);
    const controls = createViewerControls({
      initial: { ...loadPrefs(storage), scaling: scaling.get(templateRef.current), viewOnly: false },
      devicePixelRatio: () => window.devicePixelRatio || 1,
      onSave: (s) => {
        savePrefs(storage, {
          quality: s.quality,
          compression: s.compression,
          keyboardLayout: s.keyboardLayout,
        });
        scaling.set(templateRef.current, s.scaling);
      },
    });
    return { controls, scaling };
  }, []);

  // The template is known once the session is: its own choice replaces the default.
  useEffect(() => {
    if (template === undefined || template === templateRef.current) return;
    templateRef.current = template;
    controls.load({ scaling: scaling.get(template) });
  }, [template, controls, scaling]);

  useEffect(() => watchDevicePixelRatio(window, () => controls.devicePixelRatioChanged()), [controls]);

  const settings = useSyncExternalStore(controls.subscribe, () => controls.settings);
  return { controls, settings };
}
