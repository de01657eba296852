import type { Duplex } from 'node:stream';
import { vncAuthResponse } from './des';
import { StreamReader } from './stream-reader';

/** A screen's picture as 8-bit RGB, row by row, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export type SnapshotFailure = 'protocol' | 'auth_failed' | 'timeout' | 'closed' | 'too_large';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';

  constructor(
    readonly reason: SnapshotFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SnapshotOptions {
  /** The whole exchange, from the greeting to the last pixel. */
  timeoutMs?: number;
  /**
   * Bits per pixel asked of the server. 16 (RGB565) halves what crosses the stream, which matters
   * through a port-forward, and loses nothing a 320 px thumbnail could show.
   */
  bitsPerPixel?: 16 | 32;
}

/** Larger than any screen TigerVNC allows (its limit is 16384 px a side, far more than needed here). */
const MAX_PIXELS = 8192 * 8192;

const SECURITY_NONE = 1;
const SECURITY_VNC_AUTH = 2;
const ENCODING_RAW = 0;

interface PixelFormat {
  bytesPerPixel: 2 | 4;
  shifts: [number, number, number];
  maxima: [number, number, number];
}

const FORMATS: Record<16 | 32, PixelFormat> = {
  16: { bytesPerPixel: 2, shifts: [11, 5, 0], maxima: [31, 63, 31] },
  32: { bytesPerPixel: 4, shifts: [16, 8, 0], maxima: [255, 255, 255] },
};

/** SetPixelFormat: true colour, little-endian, so decoding never depends on the server's own. */
function setPixelFormat(format: PixelFormat): Buffer {
  const m = Buffer.alloc(20);
  m.writeUInt8(0, 0);
  m.writeUInt8(format.bytesPerPixel * 8, 4);
  m.writeUInt8(format.bytesPerPixel === 2 ? 16 : 24, 5);
  m.writeUInt8(0, 6); // little-endian
  m.writeUInt8(1, 7); // true colour
  m.writeUInt16BE(format.maxima[0], 8);
  m.writeUInt16BE(format.maxima[1], 10);
  m.writeUInt16BE(format.maxima[2], 12);
  m.writeUInt8(format.shifts[0], 14);
  m.writeUInt8(format.shifts[1], 15);
  m.writeUInt8(format.shifts[2], 16);
  return m;
}

function setEncodings(encodings: number[]): Buffer {
  const m = Buffer.alloc(4 + 4 * encodings.length);
  m.writeUInt8(2, 0);
  m.writeUInt16BE(encodings.length, 2);
  for (const [i, e] of encodings.entries()) m.writeInt32BE(e, 4 + 4 * i);
  return m;
}

function fullUpdateRequest(width: number, height: number): Buffer {
  const m = Buffer.alloc(10);
  m.writeUInt8(3, 0);
  m.writeUInt8(0, 1); // not incremental: the whole screen
  m.writeUInt16BE(width, 6);
  m.writeUInt16BE(height, 8);
  return m;
}

/** Copies one raw rectangle into the RGB picture, converting from the pixel format asked for. */
function blitRaw(
  image: RgbImage,
  rect: { x: number; y: number; w: number; h: number },
  data: Buffer,
  format: PixelFormat,
): void {
  const [rs, gs, bs] = format.shifts;
  const [rm, gm, bm] = format.maxima;
  const bpp = format.bytesPerPixel;
  for (let row = 0; row < rect.h; row++) {
    const y = rect.y + row;
    if (y >= image.height) break;
    let src = row * rect.w * bpp;
    let dst = (y * image.width + rect.x) * 3;
    const cols = Math.min(rect.w, image.width - rect.x);
    for (let col = 0; col < cols; col++, src += bpp, dst += 3) {
      const v = bpp === 2 ? data.readUInt16LE(src) : data.readUInt32LE(src);
      image.rgb[dst] = (((v >>> rs) & rm) * 255) / rm;
      image.rgb[dst + 1] = (((v >>> gs) & gm) * 255) / gm;
      image.rgb[dst + 2] = (((v >>> bs) & bm) * 255) / bm;
    }
  }
}

async function handshake(reader: StreamReader, send: (b: Buffer) => void, password: string): Promise<void> {
  const version = (await reader.read(12)).toString('latin1');
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
  if (!match) throw new SnapshotError('protocol', `not an RFB server: ${JSON.stringify(version)}`);
  // 3.7 and 3.8 share the security handshake this speaks; TigerVNC offers 3.8.
  if (Number(match[1]) < 3 || (Number(match[1]) === 3 && Number(match[2]) < 7)) {
    throw new SnapshotError('protocol', `RFB ${match[1]}.${match[2]} is too old`);
  }
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await reader.read(1))[0] as number;
  if (count === 0) {
    const reason = await reader.read((await reader.read(4)).readUInt32BE(0));
    throw new SnapshotError('protocol', `the VNC server refused: ${reason.toString('utf8')}`);
  }
  const types = [...(await reader.read(count))];
  if (types.includes(SECURITY_VNC_AUTH)) {
    send(Buffer.from([SECURITY_VNC_AUTH]));
    send(vncAuthResponse(password, await reader.read(16)));
  } else if (types.includes(SECURITY_NONE)) {
    send(Buffer.from([SECURITY_NONE]));
  } else {
    throw new SnapshotError('protocol', `no security type this client speaks among ${types.join(', ')}`);
  }
  if ((await reader.read(4)).readUInt32BE(0) !== 0) {
    // 3.8 says why; 3.7 closes, which the read turns into an error of its own.
    const reason = await reader
      .read((await reader.read(4)).readUInt32BE(0))
      .then((b) => b.toString('utf8'))
      .catch(() => 'authentication failed');
    throw new SnapshotError('auth_failed', `VncAuth failed: ${reason}`);
  }
}

async function readPicture(
  reader: StreamReader,
  send: (b: Buffer) => void,
  format: PixelFormat,
): Promise<RgbImage> {
  send(Buffer.from([1])); // ClientInit, shared: viewers stay connected
  const init = await reader.read(24);
  await reader.skip(init.readUInt32BE(20));
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  if (width === 0 || height === 0 || width * height > MAX_PIXELS) {
    throw new SnapshotError('too_large', `the screen is ${width}×${height}`);
  }
  send(setPixelFormat(format));
  send(setEncodings([ENCODING_RAW]));
  send(fullUpdateRequest(width, height));
  const image: RgbImage = { width, height, rgb: new Uint8Array(width * height * 3) };
  for (;;) {
    const type = (await reader.read(1))[0];
    if (type === 0) break;
    if (type === 1) {
      const h = await reader.read(5);
      await reader.skip(h.readUInt16BE(3) * 6);
    } else if (type === 2) {
      // bell
    } else if (type === 3) {
      await reader.skip(3);
      await reader.skip((await reader.read(4)).readUInt32BE(0));
    } else {
      throw new SnapshotError('protocol', `unexpected RFB message type ${type}`);
    }
  }
  const rects = (await reader.read(3)).readUInt16BE(1);
  for (let i = 0; i < rects; i++) {
    const h = await reader.read(12);
    const rect = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6) };
    const encoding = h.readInt32BE(8);
    if (encoding !== ENCODING_RAW) throw new SnapshotError('protocol', `unasked-for encoding ${encoding}`);
    if (rect.x + rect.w > width || rect.y + rect.h > height) {
      throw new SnapshotError('protocol', 'a rectangle lies outside the screen');
    }
    blitRaw(image, rect, await reader.read(rect.w * rect.h * format.bytesPerPixel), format);
  }
  return image;
}

/**
 * Takes one picture of a VNC server's screen over `stream`: the RFB 3.8 handshake with VncAuth
 * (or None, where that is all the server offers), one full framebuffer update in raw encoding,
 * and nothing more. The stream is the caller's and stays open; the caller closes it.
 */
export async function snapshotScreen(
  stream: Duplex,
  password: string,
  options: SnapshotOptions = {},
): Promise<RgbImage> {
  const reader = new StreamReader(stream);
  const send = (b: Buffer) => void stream.write(b);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(
    () => reader.abort(new SnapshotError('timeout', `no whole picture within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await handshake(reader, send, password);
    return await readPicture(reader, send, FORMATS[options.bitsPerPixel ?? 16]);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SnapshotError('closed', `the VNC stream failed: ${message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
