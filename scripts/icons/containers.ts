// ICO and ICNS are plain containers of images with a small directory in front. Writing them here keeps
// the icons reproducible from the SVGs with rsvg-convert alone, and lets tests read them back.
import { decodePng, isPng, pngSize, type RgbaImage } from './png';

export interface IcoEntry {
  width: number;
  height: number;
  format: 'png' | 'bmp';
  data: Buffer;
}

/** Vista and later read PNG entries, but only 256 px is stored that way by convention; smaller sizes are
 * 32-bit DIBs, which every Windows icon loader (the shell, LoadImage, NSIS) understands. */
const PNG_FROM = 256;

function dib(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  const maskStride = Math.ceil(width / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(width, 4);
  // ICO heights count the colour rows and the AND mask together.
  header.writeInt32LE(height * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(width * height * 4 + maskStride * height, 20);
  const colour = Buffer.alloc(width * height * 4);
  const mask = Buffer.alloc(maskStride * height);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y; // DIBs run bottom-up
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 4;
      const dst = (row * width + x) * 4;
      colour[dst] = pixels[src + 2]!;
      colour[dst + 1] = pixels[src + 1]!;
      colour[dst + 2] = pixels[src]!;
      colour[dst + 3] = pixels[src + 3]!;
      const bit = row * maskStride + (x >> 3);
      if (pixels[src + 3] === 0) mask[bit] = mask[bit]! | (0x80 >> (x & 7));
    }
  }
  return Buffer.concat([header, colour, mask]);
}

/** A multi-size .ico from square PNGs, smallest first as Windows tools write them. */
export function writeIco(pngs: readonly Buffer[]): Buffer {
  const images = pngs
    .map((png) => ({ png, ...pngSize(png) }))
    .sort((a, b) => a.width - b.width)
    .map(({ png, width, height }) => {
      if (width !== height || width > 256)
        throw new Error(`ICO entries are square, at most 256 px: ${width}x${height}`);
      return { width, data: width >= PNG_FROM ? png : dib(decodePng(png)) };
    });
  const head = Buffer.alloc(6 + 16 * images.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(images.length, 4);
  let offset = head.length;
  images.forEach(({ width, data }, i) => {
    const entry = 6 + 16 * i;
    head[entry] = width & 0xff; // 0 means 256
    head[entry + 1] = width & 0xff;
    head.writeUInt16LE(1, entry + 4);
    head.writeUInt16LE(32, entry + 6);
    head.writeUInt32LE(data.length, entry + 8);
    head.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([head, ...images.map((i) => i.data)]);
}

export function readIco(file: Buffer): IcoEntry[] {
  if (file.length < 6 || file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1)
    throw new Error('not an ICO');
  const count = file.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + 16 * i;
    const size = file.readUInt32LE(entry + 8);
    const offset = file.readUInt32LE(entry + 12);
    if (offset + size > file.length) throw new Error(`ICO entry ${i} runs past the end`);
    const data = file.subarray(offset, offset + size);
    entries.push({
      width: file[entry] || 256,
      height: file[entry + 1] || 256,
      format: isPng(data) ? 'png' : 'bmp',
      data,
    });
  }
  return entries;
}

/** The colour and alpha of a DIB entry, top-down, for comparing with the PNG it came from. */
export function decodeIcoBitmap(entry: IcoEntry): RgbaImage {
  if (entry.format === 'png') return decodePng(entry.data);
  const width = entry.data.readInt32LE(4);
  const height = entry.data.readInt32LE(8) / 2;
  if (entry.data.readUInt16LE(14) !== 32) throw new Error('only 32-bit ICO bitmaps are read');
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = 40 + ((height - 1 - y) * width + x) * 4;
      const dst = (y * width + x) * 4;
      pixels[dst] = entry.data[src + 2]!;
      pixels[dst + 1] = entry.data[src + 1]!;
      pixels[dst + 2] = entry.data[src]!;
      pixels[dst + 3] = entry.data[src + 3]!;
    }
  }
  return { width, height, pixels };
}

/**
 * PNG-backed ICNS types by pixel size and scale. macOS 10.8 reads all of them, and Electron 41 needs
 * macOS 12, so the legacy RLE types (is32, il32, …) are left out.
 */
export const ICNS_TYPES: ReadonlyArray<{ type: string; pixels: number }> = [
  { type: 'icp4', pixels: 16 },
  { type: 'icp5', pixels: 32 },
  { type: 'ic11', pixels: 32 }, // 16 pt @2x
  { type: 'icp6', pixels: 64 },
  { type: 'ic12', pixels: 64 }, // 32 pt @2x
  { type: 'ic07', pixels: 128 },
  { type: 'ic08', pixels: 256 },
  { type: 'ic13', pixels: 256 }, // 128 pt @2x
  { type: 'ic09', pixels: 512 },
  { type: 'ic14', pixels: 512 }, // 256 pt @2x
  { type: 'ic10', pixels: 1024 }, // 512 pt @2x
];

/** An .icns holding every type of ICNS_TYPES, from PNGs keyed by pixel size. */
export function writeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const chunks = ICNS_TYPES.map(({ type, pixels }) => {
    const png = pngBySize.get(pixels);
    if (!png) throw new Error(`ICNS needs a ${pixels} px PNG for ${type}`);
    const { width, height } = pngSize(png);
    if (width !== pixels || height !== pixels)
      throw new Error(`${type} must be ${pixels} px, got ${width}x${height}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

export function readIcns(file: Buffer): Array<{ type: string; data: Buffer }> {
  if (file.toString('ascii', 0, 4) !== 'icns' || file.readUInt32BE(4) !== file.length) {
    throw new Error('not an ICNS file');
  }
  const entries: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset + 4);
    if (length < 8 || offset + length > file.length) throw new Error(`bad ICNS entry at ${offset}`);
    entries.push({
      type: file.toString('ascii', offset, offset + 4),
      data: file.subarray(offset + 8, offset + length),
    });
    offset += length;
  }
  return entries;
}
