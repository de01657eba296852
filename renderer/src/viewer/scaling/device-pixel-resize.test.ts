import { describe, expect, it } from 'vitest';
import { requestDevicePixels } from './device-pixel-resize';

/** Stands in for noVNC 1.7's RFB: the same two internals, recording what it would request. */
class FakeRfb {
  requested: { w: number; h: number }[] = [];
  css = { w: 1200, h: 764 };
  _screenSize() {
    return { ...this.css };
  }
  _requestRemoteResize() {
    this.requested.push(this._screenSize());
  }
  /** As noVNC's scaling does: reads the screen size outside a resize request. */
  scaleTarget() {
    return this._screenSize();
  }
}

describe('device-pixel remote resize', () => {
  it('requests the screen in device pixels while scaling still sees CSS pixels', () => {
    const rfb = new FakeRfb();
    let ratio = 2;
    const resize = requestDevicePixels(rfb, () => ratio);
    expect(resize).not.toBeNull();
    rfb._requestRemoteResize();
    expect(rfb.requested).toEqual([{ w: 2400, h: 1528 }]);
    expect(rfb.scaleTarget()).toEqual({ w: 1200, h: 764 });
    ratio = 1;
    resize?.refresh();
    expect(rfb.requested.at(-1)).toEqual({ w: 1200, h: 764 });
  });

  it('restores the CSS size even if the request throws', () => {
    const rfb = new FakeRfb();
    rfb._requestRemoteResize = () => {
      throw new Error('socket closed');
    };
    requestDevicePixels(rfb, () => 2);
    expect(() => rfb._requestRemoteResize()).toThrow('socket closed');
    expect(rfb.scaleTarget()).toEqual({ w: 1200, h: 764 });
  });

  it('leaves an RFB without those internals alone', () => {
    const other = { resizeSession: true };
    expect(requestDevicePixels(other, () => 2)).toBeNull();
    expect(Object.keys(other)).toEqual(['resizeSession']);
  });
});
