import { describe, expect, it } from 'vitest';
import { apiUrl, EVENTS_PATH, sessionPath, vncUrl, webSocketUrl } from './urls';

describe('apiUrl', () => {
  it('joins base and path', () => {
    expect(apiUrl('http://127.0.0.1:8080', '/api/v1/me')).toBe('http://127.0.0.1:8080/api/v1/me');
  });

  it('keeps a path prefix and tolerates a trailing slash', () => {
    expect(apiUrl('https://example.com/streamspace/', '/api/v1/me')).toBe(
      'https://example.com/streamspace/api/v1/me',
    );
  });
});

describe('webSocketUrl', () => {
  it('maps http to ws', () => {
    expect(webSocketUrl('http://x:1', EVENTS_PATH)).toBe('ws://x:1/api/v1/events');
  });

  it('maps https to wss', () => {
    expect(webSocketUrl('https://x', EVENTS_PATH)).toBe('wss://x/api/v1/events');
    expect(webSocketUrl('https://x:8443/base', EVENTS_PATH)).toBe('wss://x:8443/base/api/v1/events');
  });

  it('encodes query values', () => {
    expect(webSocketUrl('http://x:1', '/p', { ticket: 'a+b/c=' })).toBe('ws://x:1/p?ticket=a%2Bb%2Fc%3D');
  });
});

describe('vncUrl', () => {
  it('points at the session vnc route with the ticket', () => {
    expect(vncUrl('http://127.0.0.1:9000', 'ada-firefox-0123abcd', 'T1cket')).toBe(
      'ws://127.0.0.1:9000/api/v1/sessions/ada-firefox-0123abcd/vnc?ticket=T1cket',
    );
  });

  it('escapes the session name in paths', () => {
    expect(sessionPath('a/b', '/wake')).toBe('/api/v1/sessions/a%2Fb/wake');
  });
});
