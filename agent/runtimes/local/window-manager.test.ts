import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_MANAGER, wantsWindowManager, windowManagerArgv } from './window-manager';

describe('window manager', () => {
  it('runs for single apps unless the template opts out', () => {
    expect(wantsWindowManager({})).toBe(true);
    expect(wantsWindowManager({ windowManager: true })).toBe(true);
    expect(wantsWindowManager({ windowManager: false })).toBe(false);
  });

  it('is matchbox without a title bar by default, or the configured program', () => {
    expect(windowManagerArgv()).toEqual([
      DEFAULT_WINDOW_MANAGER,
      '-use_titlebar',
      'no',
      '-use_cursor',
      'yes',
    ]);
    expect(windowManagerArgv('/opt/wm')[0]).toBe('/opt/wm');
  });
});
