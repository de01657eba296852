import { describe, expect, it } from 'vitest';
import { buildXvncArgs, isPortInUseFailure } from './xvnc-args';

const input = {
  displayFd: 3,
  rfb: { unixSocket: 'vnc.sock' },
  passwordFile: '/s/passwd',
  xauthorityFile: '/s/Xauthority',
  desktopName: 'alice-xterm-0123abcd',
  geometry: '1280x800',
  depth: 24,
};

function valueAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

describe('buildXvncArgs', () => {
  const args = buildXvncArgs(input);

  it('lets the X server pick its display through -displayfd', () => {
    expect(valueAfter(args, '-displayfd')).toBe('3');
    expect(args.some((a) => /^:\d+$/.test(a))).toBe(false);
  });

  it('serves RFB on the private Unix socket and opens no TCP port at all', () => {
    expect(valueAfter(args, '-rfbport')).toBe('-1');
    expect(valueAfter(args, '-rfbunixpath')).toBe('vnc.sock');
    expect(valueAfter(args, '-rfbunixmode')).toBe('0600');
    expect(valueAfter(args, '-nolisten')).toBe('tcp');
    expect(args).not.toContain('-interface');
  });

  it('binds a stand-in for a pod port to loopback only', () => {
    const tcp = buildXvncArgs({ ...input, rfb: { loopbackPort: 5901 } });
    expect(tcp).toContain('-localhost');
    expect(valueAfter(tcp, '-interface')).toBe('127.0.0.1');
    expect(valueAfter(tcp, '-rfbport')).toBe('5901');
    expect(tcp).not.toContain('-rfbunixpath');
  });

  it('requires VncAuth with the session password file', () => {
    expect(valueAfter(args, '-SecurityTypes')).toBe('VncAuth');
    expect(valueAfter(args, '-rfbauth')).toBe('/s/passwd');
    expect(valueAfter(args, '-auth')).toBe('/s/Xauthority');
  });

  it('sets the screen, sharing and resize options', () => {
    expect(valueAfter(args, '-geometry')).toBe('1280x800');
    expect(valueAfter(args, '-depth')).toBe('24');
    expect(valueAfter(args, '-desktop')).toBe('alice-xterm-0123abcd');
    expect(args).toContain('-AlwaysShared');
    expect(args).toContain('-AcceptSetDesktopSize=1');
  });
});

describe('isPortInUseFailure', () => {
  it('recognises the bind failure', () => {
    expect(isPortInUseFailure('(EE) vncExtInit: failed to bind socket: Address already in use (98)')).toBe(
      true,
    );
    expect(isPortInUseFailure('(EE) Fatal server error: no screens')).toBe(false);
  });
});
