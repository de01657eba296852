import { encode } from 'jpeg-js';
import type { RgbImage } from './rfb-snapshot';

/**
 * Shrinks a picture to `width` (never enlarges it), keeping its aspect, by averaging each output
 * pixel's box of source pixels: every source pixel is read once, and text turns into a fair grey
 * instead of the noise that skipping pixels would give.
 */
export function scaleDown(image: RgbImage, width: number): RgbImage {
  const tw = Math.max(1, Math.min(width, image.width));
  const th = Math.max(1, Math.round((image.height * tw) / image.width));
  if (tw === image.width && th === image.height) return image;
  const out = new Uint8Array(tw * th * 3);
  const xStarts = Array.from({ length: tw + 1 }, (_, i) => Math.floor((i * image.width) / tw));
  for (let ty = 0; ty < th; ty++) {
    const y0 = Math.floor((ty * image.height) / th);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * image.height) / th));
    for (let tx = 0; tx < tw; tx++) {
      const x0 = xStarts[tx] as number;
      const x1 = Math.max(x0 + 1, xStarts[tx + 1] as number);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        let i = (y * image.width + x0) * 3;
        for (let x = x0; x < x1; x++, i += 3) {
          r += image.rgb[i] as number;
          g += image.rgb[i + 1] as number;
          b += image.rgb[i + 2] as number;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (ty * tw + tx) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return { width: tw, height: th, rgb: out };
}

export interface EncodedThumbnail {
  mime: 'image/jpeg';
  bytes: Buffer;
  width: number;
  height: number;
}

/** Tried in turn until one fits; below the last, the picture is halved instead. */
const QUALITIES = [75, 60, 45, 30, 15];

function encodeJpeg(image: RgbImage, quality: number): Buffer {
  const rgba = Buffer.alloc(image.width * image.height * 4);
  for (let i = 0, o = 0; i < image.rgb.length; i += 3, o += 4) {
    rgba[o] = image.rgb[i] as number;
    rgba[o + 1] = image.rgb[i + 1] as number;
    rgba[o + 2] = image.rgb[i + 2] as number;
    rgba[o + 3] = 255;
  }
  return encode({ data: rgba, width: image.width, height: image.height }, quality).data;
}

/**
 * The thumbnail as a JPEG of at most `maxBytes`: the best quality that fits, or, for a screen so
 * busy that even the lowest does not, the same at half the size, and so on.
 */
export function encodeThumbnail(image: RgbImage, width: number, maxBytes: number): EncodedThumbnail {
  let scaled = scaleDown(image, width);
  for (;;) {
    for (const quality of QUALITIES) {
      const bytes = encodeJpeg(scaled, quality);
      if (bytes.length <= maxBytes)
        return { mime: 'image/jpeg', bytes, width: scaled.width, height: scaled.height };
    }
    if (scaled.width <= 16) throw new Error(`no JPEG of this screen fits in ${maxBytes} bytes`);
    scaled = scaleDown(scaled, Math.floor(scaled.width / 2));
  }
}
