import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './launch-args';

describe('parseLaunchArgs', () => {
  it('reads a server with or without =, and its name', () => {
    expect(parseLaunchArgs(['/opt/StreamSpace/streamspace', '--server', 'https://ss.example.com'])).toEqual({
      hidden: false,
      server: { url: 'https://ss.example.com' },
    });
    expect(
      parseLaunchArgs(['x', '--server-name=Work', '--server=https://ss.example.com', '--hidden']),
    ).toEqual({
      hidden: true,
      server: { url: 'https://ss.example.com', name: 'Work' },
    });
  });

  it('ignores Chromium switches, a dangling --server and a name without server', () => {
    expect(parseLaunchArgs(['x', '--no-sandbox', '--server', '--hidden'])).toEqual({ hidden: true });
    expect(parseLaunchArgs(['x', '--server-name', 'Work'])).toEqual({ hidden: false });
    expect(parseLaunchArgs([])).toEqual({ hidden: false });
  });
});
