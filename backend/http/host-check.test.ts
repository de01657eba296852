import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHostPolicy, hostName } from './host-check';

const at = (address: string): AddressInfo => ({
  address,
  family: address.includes(':') ? 'IPv6' : 'IPv4',
  port: 8080,
});
const req = (host: string | undefined) =>
  ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;

describe('hostName', () => {
  it('drops the port, brackets and a trailing dot, and lowercases', () => {
    expect(hostName('LocalHost:8080')).toBe('localhost');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('example.com.')).toBe('example.com');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it('refuses what is no host', () => {
    for (const h of [undefined, '', 'a b', 'user@evil.example', 'evil.example:80:80', '[::1', 'a/b']) {
      expect(hostName(h), String(h)).toBeNull();
    }
  });
});

describe('host policy', () => {
  it('on loopback answers loopback names and the public URL only', () => {
    const p = createHostPolicy({ publicUrls: ['https://desk.example.com'], address: () => at('127.0.0.1') });
    expect(p.mode()).toBe('loopback');
    for (const h of ['127.0.0.1:8080', 'localhost:8080', 'localhost', '[::1]:8080', 'desk.example.com']) {
      expect(p.isAllowedHost(req(h)), h).toBe(true);
    }
    for (const h of ['evil.example:8080', '10.0.0.5:8080', 'localhost.evil.example', undefined]) {
      expect(p.isAllowedHost(req(h)), String(h)).toBe(false);
    }
  });

  it('beyond loopback with a public URL also answers address literals, never other names', () => {
    const p = createHostPolicy({
      publicUrls: ['https://desk.example.com:8443'],
      address: () => at('0.0.0.0'),
    });
    expect(p.mode()).toBe('named');
    for (const h of ['desk.example.com:8443', '10.0.0.5:8080', '[fd00::5]:8080', 'localhost']) {
      expect(p.isAllowedHost(req(h)), h).toBe(true);
    }
    expect(p.isAllowedHost(req('evil.example'))).toBe(false);
  });

  it('beyond loopback without a public URL answers every host', () => {
    const p = createHostPolicy({ publicUrls: [], address: () => at('::') });
    expect(p.mode()).toBe('open');
    expect(p.isAllowedHost(req('anything.example'))).toBe(true);
  });

  it('is strict before it listens', () => {
    const p = createHostPolicy({ publicUrls: [], address: () => null });
    expect(p.isAllowedHost(req('evil.example'))).toBe(false);
  });
});
