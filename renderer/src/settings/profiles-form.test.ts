import { describe, expect, it } from 'vitest';
import { checkAddServer, parseCloseDashboard, profileDetail } from './profiles-form';

describe('checkAddServer', () => {
  it('normalises the URL and drops an empty name', () => {
    expect(checkAddServer(' https://ss.example.com/ ', '  ')).toEqual({
      ok: true,
      request: { url: 'https://ss.example.com' },
    });
    expect(checkAddServer('http://localhost:8080', ' Dev ')).toEqual({
      ok: true,
      request: { url: 'http://localhost:8080', name: 'Dev' },
    });
  });

  it("refuses what main would refuse, in main's words", () => {
    expect(checkAddServer('', '')).toMatchObject({ ok: false, message: expect.stringContaining('Enter') });
    expect(checkAddServer('http://ss.example.com', '')).toEqual({
      ok: false,
      message: 'That URL cannot be used: use https:// (plain http only for localhost)',
    });
    expect(checkAddServer('https://u:p@ss.example.com', '')).toMatchObject({
      ok: false,
      message: expect.stringContaining('no credentials'),
    });
    expect(checkAddServer('ss.example.com', '')).toEqual({
      ok: false,
      message: 'That URL cannot be used: not a URL',
    });
    expect(checkAddServer('https://ss.example.com', 'x'.repeat(81))).toMatchObject({ ok: false });
  });
});

describe('settings helpers', () => {
  it('describes a profile and reads the close choice', () => {
    expect(profileDetail({ id: 'local', name: 'Local', mode: 'local' })).toBe('This computer');
    expect(profileDetail({ id: 'w', name: 'Work', mode: 'remote', url: 'https://w.example' })).toBe(
      'https://w.example',
    );
    expect(parseCloseDashboard('quit')).toBe('quit');
    expect(parseCloseDashboard('explode')).toBeNull();
  });
});
