import { crc32, deflateSync } from 'node:zlib';

type Point = [number, number];

/** The glyph in unit coordinates: a monitor with a play triangle, readable at 16 px. */
function covered(x: number, y: number): boolean {
  const inRect = (x0: number, y0: number, x1: number, y1: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
  const frame = inRect(0.04, 0.1, 0.96, 0.74) && !inRect(0.14, 0.2, 0.86, 0.64);
  const stand = inRect(0.42, 0.74, 0.58, 0.84) || inRect(0.24, 0.84, 0.76, 0.94);
  const a: Point = [0.4, 0.28];
  const b: Point = [0.4, 0.56];
  const c: Point = [0.64, 0.42];
  const side = (p: Point, q: Point) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const triangle = (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
  return frame || stand || triangle;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Draws the tray icon as an RGBA PNG, so the app needs no binary asset of its own; 4×4 supersampling
 * keeps the edges smooth.
 */
export function trayIconPng(size: number, rgb: readonly [number, number, number]): Buffer {
  const samples = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (covered((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) hits += 1;
        }
      }
      const offset = 1 + px * 4;
      row[offset] = rgb[0];
      row[offset + 1] = rgb[1];
      row[offset + 2] = rgb[2];
      row[offset + 3] = Math.round((255 * hits) / (samples * samples));
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function trayIconDataUrl(size: number, rgb: readonly [number, number, number]): string {
  return `data:image/png;base64,${trayIconPng(size, rgb).toString('base64')}`;
}
