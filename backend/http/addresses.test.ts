import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ipv6Groups, isLoopbackAddress, loginClient } from './addresses';

describe('isLoopbackAddress', () => {
  it('knows 127/8, ::1 in any spelling and the IPv4-mapped form', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
    for (const a of ['10.0.0.1', '::', '::2', '::ffff:10.0.0.1', 'localhost', '', undefined]) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });
});

describe('ipv6Groups', () => {
  it('expands :: and a dotted tail', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('64:ff9b::192.0.2.33')).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]);
    expect(ipv6Groups('10.0.0.1')).toBeNull();
  });
});

describe('loginClient', () => {
  const req = (remote: string, ip: string, headers: Record<string, string> = {}) =>
    ({ ip, headers, socket: { remoteAddress: remote } }) as unknown as IncomingMessage & { ip: string };

  it('calls a loopback peer that nothing forwarded direct', () => {
    expect(loginClient(req('127.0.0.1', '127.0.0.1'))).toEqual({ ip: '127.0.0.1', directLoopback: true });
  });

  it('does not when a proxy on this host speaks for someone else', () => {
    expect(
      loginClient(req('127.0.0.1', '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).directLoopback,
    ).toBe(false);
    expect(loginClient(req('127.0.0.1', '203.0.113.7')).directLoopback).toBe(false);
    expect(loginClient(req('10.0.0.2', '10.0.0.2')).directLoopback).toBe(false);
  });
});
