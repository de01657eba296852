import { describe, expect, it } from 'vitest';
import { decodeIcoBitmap, ICNS_TYPES, readIcns, readIco, writeIcns, writeIco } from './containers';
import { decodePng, encodePng, pngSize, type RgbaImage } from './png';

/** A square with a distinct colour per pixel and a fully transparent first column. */
function pattern(size: number): RgbaImage {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      pixels.set([x * 7, y * 11, (x + y) & 0xff, x === 0 ? 0 : 200 + (y % 50)], i);
    }
  }
  return { width: size, height: size, pixels };
}

describe('png', () => {
  it('round-trips RGBA pixels and reads the size', () => {
    const image = pattern(9);
    const png = encodePng(image);
    expect(pngSize(png)).toEqual({ width: 9, height: 9 });
    expect(decodePng(png)).toEqual(image);
  });

  it('refuses what it does not decode', () => {
    expect(() => pngSize(Buffer.from('GIF89a...............'))).toThrow('not a PNG');
    const grey = encodePng(pattern(2));
    grey[25] = 0;
    expect(() => decodePng(grey)).toThrow('colour type 0');
  });
});

describe('ICO', () => {
  it('stores small sizes as 32-bit bitmaps with a mask and 256 as PNG, smallest first', () => {
    const ico = writeIco([encodePng(pattern(256)), encodePng(pattern(16)), encodePng(pattern(33))]);
    const entries = readIco(ico);
    expect(entries.map((e) => [e.width, e.height, e.format])).toEqual([
      [16, 16, 'bmp'],
      [33, 33, 'bmp'],
      [256, 256, 'png'],
    ]);
    for (const entry of entries) {
      // Buffer.equals: a deep equality over 256 kB of pixels takes seconds.
      expect(decodeIcoBitmap(entry).pixels.equals(pattern(entry.width).pixels)).toBe(true);
    }
    // The AND mask marks the transparent first column: bit 7 of each row's first byte.
    const bmp = entries[0]!.data;
    const maskStart = 40 + 16 * 16 * 4;
    expect(bmp[maskStart]).toBe(0x80);
    expect(bmp.readInt32LE(8)).toBe(32);
  });

  it('rejects images an ICO cannot hold and files that are not ICOs', () => {
    expect(() => writeIco([encodePng(pattern(512))])).toThrow('at most 256');
    expect(() => readIco(Buffer.from([0, 0, 2, 0, 0, 0]))).toThrow('not an ICO');
    const truncated = writeIco([encodePng(pattern(16))]).subarray(0, 100);
    expect(() => readIco(truncated)).toThrow('past the end');
  });
});

describe('ICNS', () => {
  const bySize = new Map([16, 32, 64, 128, 256, 512, 1024].map((n) => [n, encodePng(pattern(n))]));

  it('writes one PNG entry per type, each of its size, and a length that covers them all', () => {
    const icns = writeIcns(bySize);
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries = readIcns(icns);
    expect(entries.map((e) => e.type)).toEqual(ICNS_TYPES.map((t) => t.type));
    for (const [i, entry] of entries.entries()) {
      expect(pngSize(entry.data).width).toBe(ICNS_TYPES[i]!.pixels);
    }
  });

  it('needs every size and refuses a wrong one', () => {
    const missing = new Map(bySize);
    missing.delete(1024);
    expect(() => writeIcns(missing)).toThrow('1024 px PNG for ic10');
    expect(() => writeIcns(new Map([...bySize, [64, encodePng(pattern(63))]]))).toThrow('icp6 must be 64 px');
    expect(() => readIcns(Buffer.from('icnx\0\0\0\x08'))).toThrow('not an ICNS');
  });
});
