import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteReader, readGreeting } from './rfb-client';

describe('ByteReader', () => {
  it('hands out exact byte counts across chunk boundaries, and skips without copying', async () => {
    const reader = new ByteReader();
    const first = reader.read(3);
    reader.push(Buffer.from([1, 2]));
    reader.push(Buffer.from([3, 4, 5, 6, 7]));
    expect([...(await first)]).toEqual([1, 2, 3]);
    await reader.skip(3);
    expect([...(await reader.read(1))]).toEqual([7]);
  });

  it('fails a read the stream can no longer satisfy, and times out a stalled one', async () => {
    const reader = new ByteReader(undefined, 50);
    await expect(reader.read(1)).rejects.toThrow(/timed out waiting for 1 bytes/);
    reader.push(Buffer.from([1]));
    reader.fail(new Error('gone'));
    expect([...(await reader.read(1))]).toEqual([1]);
    await expect(reader.read(1)).rejects.toThrow('gone');
  });

  it('reads the greeting from a stream and answers version 3.8 on it', async () => {
    const stream = new PassThrough();
    const written: Buffer[] = [];
    const reader = new ByteReader(stream);
    stream.write = ((chunk: Buffer) => {
      written.push(Buffer.from(chunk));
      return true;
    }) as typeof stream.write;
    stream.push(Buffer.from('RFB 003.008\n'));
    stream.push(Buffer.from([1, 2]));
    expect(await readGreeting(reader)).toEqual({ version: 'RFB 003.008', securityTypes: [2] });
    expect(Buffer.concat(written).toString('latin1')).toBe('RFB 003.008\n');
  });
});
