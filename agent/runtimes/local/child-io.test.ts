import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exited, readDisplayNumber, spawned } from './child-io';

describe('spawned', () => {
  it('resolves for a program that exists and rejects with ENOENT otherwise', async () => {
    const ok = spawn('true', [], { stdio: 'ignore' });
    await expect(spawned(ok)).resolves.toBeUndefined();
    await expect(spawned(spawn('/nonexistent/app', [], { stdio: 'ignore' }))).rejects.toThrow(/ENOENT/);
  });
});

describe('readDisplayNumber', () => {
  it('reads the number, even split across chunks', async () => {
    const stream = new PassThrough();
    const result = readDisplayNumber(stream, new AbortController().signal);
    stream.write('1');
    stream.write('2\n');
    expect(await result).toBe(12);
  });

  it('rejects when the pipe closes first, on garbage, and on abort', async () => {
    const closed = new PassThrough();
    const first = readDisplayNumber(closed, new AbortController().signal);
    closed.end();
    await expect(first).rejects.toThrow(/without naming a display/);

    const garbled = new PassThrough();
    const second = readDisplayNumber(garbled, new AbortController().signal);
    garbled.write('oops\n');
    await expect(second).rejects.toThrow(/unexpected/);

    const controller = new AbortController();
    const third = readDisplayNumber(new PassThrough(), controller.signal);
    controller.abort(new Error('timed out'));
    await expect(third).rejects.toThrow('timed out');
  });
});

describe('exited', () => {
  it('waits for the exit, or not at all once it happened', async () => {
    const child = spawn('sleep', ['0.05'], { stdio: 'ignore' });
    await exited(child, 2000);
    expect(child.exitCode).toBe(0);
    await exited(child, 2000);
  });
});
