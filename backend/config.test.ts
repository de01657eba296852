import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, parseTrustedProxies } from './config';

const paths = { migrationsDir: '/m', builtinTemplatesDir: '/t' };
const load = (env: Record<string, string>) =>
  configFromEnv({ STREAMSPACE_DATA_DIR: '/tmp/x', ...env }, paths);

describe('trusted proxies', () => {
  it('trusts nothing by default', () => {
    expect(load({}).trustedProxies).toBe(0);
  });

  it('takes a hop count or a list of addresses and CIDRs', () => {
    expect(parseTrustedProxies('1')).toBe(1);
    expect(parseTrustedProxies(' 10.0.0.0/8, ::1 ,loopback')).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    expect(parseTrustedProxies('fd00::/8')).toEqual(['fd00::/8']);
  });

  it('refuses anything else, naming the bad entry', () => {
    for (const bad of ['true', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', ',']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(ConfigError);
    }
    expect(() => parseTrustedProxies('10.0.0.1, nope')).toThrow(/nope/);
  });

  it('fails at start when a removed variable is still set, pointing to its replacement', () => {
    expect(() => load({ STREAMSPACE_TRUST_PROXY: 'true' })).toThrow(/STREAMSPACE_TRUSTED_PROXIES/);
    expect(() => load({ STREAMSPACE_TRUST_PROXY: 'false' })).toThrow(ConfigError);
    expect(() => load({ STREAMSPACE_LOGIN_ATTEMPTS_PER_MINUTE: '20' })).toThrow(
      /STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS/,
    );
  });
});

describe('public URL', () => {
  it('keeps origins, comma-separated', () => {
    expect(
      load({ STREAMSPACE_PUBLIC_URL: 'https://Desk.Example.com/app, http://10.0.0.5:8080' }).publicUrls,
    ).toEqual(['https://desk.example.com', 'http://10.0.0.5:8080']);
    expect(load({}).publicUrls).toEqual([]);
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => load({ STREAMSPACE_PUBLIC_URL: 'desk.example.com' })).toThrow(ConfigError);
    expect(() => load({ STREAMSPACE_PUBLIC_URL: 'ftp://desk.example.com' })).toThrow(ConfigError);
  });
});

describe('login limits', () => {
  it('defaults to 5 per user, 20 per address, waits capped at 5 minutes', () => {
    const c = load({});
    expect([c.loginFailuresPerUser, c.loginFailuresPerAddress, c.loginMaxDelayMs]).toEqual([5, 20, 300_000]);
  });
});
