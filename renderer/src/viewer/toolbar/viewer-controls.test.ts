import type { RfbEventMap } from '@novnc/novnc';
import { describe, expect, it, vi } from 'vitest';
import { type ControlledRfb, createViewerControls, type ViewerSettings } from './viewer-controls';

class FakeRfb implements ControlledRfb {
  scaleViewport = true;
  resizeSession = true;
  clipViewport = false;
  viewOnly = false;
  qualityLevel = 6;
  compressionLevel = 2;
  sendCtrlAltDel = vi.fn();
  focus = vi.fn();
  requested: { w: number; h: number }[] = [];
  private readonly listeners = new Map<string, (() => void)[]>();
  _screenSize() {
    return { w: 1000, h: 700 };
  }
  _requestRemoteResize() {
    this.requested.push(this._screenSize());
  }
  addEventListener<K extends keyof RfbEventMap>(type: K, listener: (event: RfbEventMap[K]) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(() => listener({} as RfbEventMap[K]));
    this.listeners.set(type, list);
  }
  emit(type: keyof RfbEventMap) {
    for (const l of this.listeners.get(type) ?? []) l();
  }
}

const INITIAL: ViewerSettings = {
  scaling: 'fit',
  viewOnly: false,
  quality: 6,
  compression: 2,
  keyboardLayout: 'auto',
};

describe('viewer controls', () => {
  it('applies the settings when the RFB connects, over the connection defaults', () => {
    const controls = createViewerControls({ initial: { ...INITIAL, quality: 9 }, devicePixelRatio: () => 1 });
    const rfb = new FakeRfb();
    controls.attach(rfb);
    expect(rfb.resizeSession).toBe(true);
    rfb.emit('connect');
    expect([rfb.scaleViewport, rfb.resizeSession, rfb.clipViewport, rfb.qualityLevel]).toEqual([
      true,
      false,
      false,
      9,
    ]);
  });

  it('changes the live RFB, saves the change, and tells subscribers', () => {
    const onSave = vi.fn();
    const controls = createViewerControls({ initial: INITIAL, devicePixelRatio: () => 2, onSave });
    const seen: ViewerSettings[] = [];
    controls.subscribe((s) => seen.push(s));
    const rfb = new FakeRfb();
    controls.attach(rfb);
    rfb.emit('connect');
    controls.update({ scaling: 'actual' });
    expect([rfb.scaleViewport, rfb.resizeSession]).toEqual([false, false]);
    controls.update({ scaling: 'remote', compression: 7 });
    expect([rfb.scaleViewport, rfb.resizeSession, rfb.compressionLevel]).toEqual([true, true, 7]);
    expect(onSave).toHaveBeenLastCalledWith(expect.objectContaining({ scaling: 'remote', compression: 7 }));
    expect(seen.map((s) => s.scaling)).toEqual(['actual', 'remote']);
  });

  it('asks for device pixels in remote mode, and again when the ratio changes', () => {
    let ratio = 2;
    const controls = createViewerControls({
      initial: { ...INITIAL, scaling: 'remote' },
      devicePixelRatio: () => ratio,
    });
    const rfb = new FakeRfb();
    controls.attach(rfb);
    rfb.emit('connect');
    rfb._requestRemoteResize();
    expect(rfb.requested.at(-1)).toEqual({ w: 2000, h: 1400 });
    ratio = 1;
    controls.devicePixelRatioChanged();
    expect(rfb.requested.at(-1)).toEqual({ w: 1000, h: 700 });
  });

  it('sends Ctrl+Alt+Del only to a live, controllable connection', () => {
    const controls = createViewerControls({ initial: INITIAL, devicePixelRatio: () => 1 });
    const rfb = new FakeRfb();
    controls.attach(rfb);
    expect(controls.ctrlAltDel()).toBe(false);
    rfb.emit('connect');
    expect(controls.ctrlAltDel()).toBe(true);
    controls.update({ viewOnly: true });
    expect(rfb.viewOnly).toBe(true);
    expect(controls.ctrlAltDel()).toBe(false);
    rfb.emit('disconnect');
    controls.update({ viewOnly: false });
    expect(rfb.viewOnly).toBe(true);
    expect(rfb.sendCtrlAltDel).toHaveBeenCalledTimes(1);
  });

  it('loads a template choice without saving it', () => {
    const onSave = vi.fn();
    const controls = createViewerControls({ initial: INITIAL, devicePixelRatio: () => 1, onSave });
    controls.load({ scaling: 'remote' });
    expect(controls.settings.scaling).toBe('remote');
    expect(onSave).not.toHaveBeenCalled();
  });
});
