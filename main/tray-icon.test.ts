import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconDataUrl, trayIconPng } from './tray-icon';

function decode(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatLength = png.readUInt32BE(33);
  expect(png.toString('ascii', 37, 41)).toBe('IDAT');
  const raw = inflateSync(png.subarray(41, 41 + idatLength));
  const alpha = (x: number, y: number) => raw[y * (1 + width * 4) + 1 + x * 4 + 3]!;
  return { width, height, raw, alpha };
}

describe('trayIconPng', () => {
  it('encodes a valid RGBA PNG of the requested size', () => {
    for (const size of [16, 32]) {
      const { width, height, raw } = decode(trayIconPng(size, [0, 0, 0]));
      expect([width, height]).toEqual([size, size]);
      expect(raw.length).toBe(size * (1 + size * 4));
    }
  });

  it('draws the glyph: opaque frame, clear corners and a filled centre', () => {
    const { alpha } = decode(trayIconPng(32, [59, 130, 246]));
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(31, 31)).toBe(0);
    expect(alpha(2, 10)).toBe(255);
    expect(alpha(15, 13)).toBe(255);
    expect(alpha(8, 15)).toBe(0);
  });

  it('wraps it in a data URL', () => {
    expect(trayIconDataUrl(16, [0, 0, 0])).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
