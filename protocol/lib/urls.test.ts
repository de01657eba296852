import { describe, expect, it } from 'vitest';
import { joinUrl, webSocketUrl } from './urls';

describe('joinUrl', () => {
  it('keeps a base path and drops a trailing slash', () => {
    expect(joinUrl('https://h.example/streamspace/', '/api/v1/me')).toBe(
      'https://h.example/streamspace/api/v1/me',
    );
  });

  it('sets the query, leaving out undefined values', () => {
    expect(joinUrl('http://127.0.0.1:8080', '/x', { a: '1 2', b: undefined })).toBe(
      'http://127.0.0.1:8080/x?a=1+2',
    );
  });
});

describe('webSocketUrl', () => {
  it('maps http to ws and https to wss', () => {
    expect(webSocketUrl('http://127.0.0.1:1', '/p')).toBe('ws://127.0.0.1:1/p');
    expect(webSocketUrl('https://h.example/base', '/p', { t: 'x' })).toBe('wss://h.example/base/p?t=x');
  });

  it('drops the base URL query and hash', () => {
    expect(webSocketUrl('http://h.example/?q=1#f', '/p')).toBe('ws://h.example/p');
  });

  it('refuses other schemes', () => {
    expect(() => webSocketUrl('ftp://h.example', '/p')).toThrow(/unsupported/);
  });
});
