import { randomBytes } from 'node:crypto';
import { decode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from './rfb-snapshot';
import { encodeThumbnail, scaleDown } from './thumbnail-image';

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, rgb: data };
}

describe('scaleDown', () => {
  it('keeps the aspect and averages each box of pixels', () => {
    // Alternating black and white columns average to grey.
    const stripes = solid(4, 2, [0, 0, 0]);
    for (let y = 0; y < 2; y++) for (const x of [1, 3]) stripes.rgb.set([255, 255, 255], (y * 4 + x) * 3);
    const half = scaleDown(stripes, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    expect([...half.rgb]).toEqual([128, 128, 128, 128, 128, 128]);
    const wide = scaleDown(solid(1280, 800, [10, 20, 30]), 320);
    expect([wide.width, wide.height]).toEqual([320, 200]);
    expect([...wide.rgb.subarray(0, 3)]).toEqual([10, 20, 30]);
  });

  it('never enlarges', () => {
    const small = solid(100, 50, [1, 2, 3]);
    expect(scaleDown(small, 320)).toBe(small);
  });
});

describe('encodeThumbnail', () => {
  it('makes a JPEG of the scaled screen that decodes to its colours', () => {
    const t = encodeThumbnail(solid(1280, 800, [200, 40, 40]), 320, 64 * 1024);
    expect(t.mime).toBe('image/jpeg');
    expect([t.bytes[0], t.bytes[1]]).toEqual([0xff, 0xd8]);
    const back = decode(t.bytes, { useTArray: true });
    expect([back.width, back.height, t.width, t.height]).toEqual([320, 200, 320, 200]);
    const [r, g, b] = back.data;
    expect(Math.abs((r as number) - 200)).toBeLessThan(8);
    expect(Math.abs((g as number) - 40)).toBeLessThan(8);
    expect(Math.abs((b as number) - 40)).toBeLessThan(8);
  });

  it('stays within the byte bound on a screen of pure noise, lowering quality and then size', () => {
    // Noise at the thumbnail's own size, so no averaging smooths it: 80 KB at quality 75.
    const noise: RgbImage = { width: 320, height: 200, rgb: randomBytes(320 * 200 * 3) };
    const roomy = encodeThumbnail(noise, 320, 64 * 1024);
    expect(roomy.bytes.length).toBeLessThanOrEqual(64 * 1024);
    expect(roomy.width).toBe(320);
    // So tight that no quality fits at 320 px: the picture shrinks instead.
    const tight = encodeThumbnail(noise, 320, 12 * 1024);
    expect(tight.bytes.length).toBeLessThanOrEqual(12 * 1024);
    expect(tight.width).toBeLessThan(320);
    expect(decode(tight.bytes).width).toBe(tight.width);
  });
});
