import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader';

const KiB = 1024;

function harness(frames = 3) {
  const deferred: Array<() => void> = [];
  const reader = new FrameReader({
    frameBytes: 64 * KiB,
    frames,
    defer: (cb) => deferred.push(cb),
  });
  const got: Buffer[] = [];
  const pressure: boolean[] = [];
  const endTurn = () => {
    for (const cb of deferred.splice(0)) cb();
  };
  /** What a socket would do: read into the reader's buffer and call back. */
  const read = (bytes: Buffer) => {
    const buffer = reader.onread.buffer as Buffer;
    bytes.copy(buffer);
    return reader.onread.callback(bytes.length, buffer);
  };
  return { reader, got, pressure, endTurn, read };
}

const fill = (n: number, byte: number) => Buffer.alloc(n, byte);

describe('FrameReader', () => {
  it('coalesces the reads of a turn into one frame, in order', () => {
    const { reader, got, endTurn, read } = harness();
    reader.attach({ frame: (f) => got.push(Buffer.from(f)), backpressure: () => {} });
    read(fill(100, 1));
    read(fill(200, 2));
    expect(got).toEqual([]);
    endTurn();
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual(Buffer.concat([fill(100, 1), fill(200, 2)]));
  });

  it('hands a frame out as soon as it is full and spills the rest into the next', () => {
    const { reader, got, endTurn, read } = harness();
    reader.attach({ frame: (f) => got.push(Buffer.from(f)), backpressure: () => {} });
    read(fill(40 * KiB, 1));
    read(fill(40 * KiB, 2));
    expect(got.map((f) => f.length)).toEqual([64 * KiB]);
    endTurn();
    expect(got.map((f) => f.length)).toEqual([64 * KiB, 16 * KiB]);
    expect(Buffer.concat(got)).toEqual(Buffer.concat([fill(40 * KiB, 1), fill(40 * KiB, 2)]));
  });

  it('stops reading while no whole frame is free, and never holds more than its frames', () => {
    const { reader, pressure, endTurn, read } = harness(3);
    reader.attach({ frame: () => {}, backpressure: (on) => pressure.push(on) });
    const answers: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      answers.push(read(fill(64 * KiB, i)));
      endTurn();
    }
    // The third frame took the last of the pool: the socket is told to stop with it.
    expect(answers).toEqual([true, true, false]);
    expect(pressure).toEqual([true]);
    expect(reader.heldBytes).toBe(3 * 64 * KiB);
    reader.release();
    expect(pressure).toEqual([true, false]);
    expect(reader.heldBytes).toBe(2 * 64 * KiB);
    // The released frame is reused, not a new one made.
    expect(read(fill(64 * KiB, 9))).toBe(false);
  });

  it('keeps what it read before it had a sink, and hands it out on attach', () => {
    const { reader, got, endTurn, read } = harness();
    read(Buffer.from('RFB 003.008\n'));
    endTurn();
    expect(reader.heldBytes).toBe(12);
    reader.attach({ frame: (f) => got.push(Buffer.from(f)), backpressure: () => {} });
    expect(got.map(String)).toEqual(['RFB 003.008\n']);
  });
});
