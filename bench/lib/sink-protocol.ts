/**
 * The byte protocol between benchmark clients and the sink/echo server. The server speaks first
 * (one hello byte), as an RFB server does, so a client never sends into a path that is still
 * being wired up; the client then sends a header that picks the mode.
 */
export const SINK_HELLO = 0x2a;
export const HEADER_BYTES = 16;

export type SinkMode = 'stream' | 'echo';

const MODE_BYTE: Record<SinkMode, number> = { stream: 0x53, echo: 0x45 };

/** `bytes` is what a stream sends before it stops; 0 streams until the client hangs up. */
export function encodeHeader(mode: SinkMode, bytes = 0): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = MODE_BYTE[mode];
  header.writeBigUInt64BE(BigInt(bytes), 8);
  return header;
}

export function decodeHeader(header: Buffer): { mode: SinkMode; bytes: number } | null {
  if (header.length < HEADER_BYTES) return null;
  const mode = header[0] === MODE_BYTE.stream ? 'stream' : header[0] === MODE_BYTE.echo ? 'echo' : null;
  if (!mode) return null;
  return { mode, bytes: Number(header.readBigUInt64BE(8)) };
}
