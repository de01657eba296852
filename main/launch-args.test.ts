import { describe, expect, it } from 'vitest';
import { parseDeepLink, parseLaunchArgs } from './launch-args';

describe('parseLaunchArgs', () => {
  it('reads a server with or without =, and its name', () => {
    expect(parseLaunchArgs(['/opt/StreamSpace/streamspace', '--server', 'https://ss.example.com'])).toEqual({
      hidden: false,
      server: { url: 'https://ss.example.com' },
      links: [],
      rejectedLinks: [],
    });
    expect(
      parseLaunchArgs(['x', '--server-name=Work', '--server=https://ss.example.com', '--hidden']),
    ).toEqual({
      hidden: true,
      server: { url: 'https://ss.example.com', name: 'Work' },
      links: [],
      rejectedLinks: [],
    });
  });

  it('ignores Chromium switches, a dangling --server and a name without server', () => {
    expect(parseLaunchArgs(['x', '--no-sandbox', '--server', '--hidden'])).toMatchObject({ hidden: true });
    expect(parseLaunchArgs(['x', '--no-sandbox', '--server', '--hidden']).server).toBeUndefined();
    expect(parseLaunchArgs(['x', '--server-name', 'Work'])).toEqual({
      hidden: false,
      links: [],
      rejectedLinks: [],
    });
    expect(parseLaunchArgs([])).toEqual({ hidden: false, links: [], rejectedLinks: [] });
  });

  it('reads no option after --', () => {
    expect(parseLaunchArgs(['x', '--', '--server', 'https://ss.example.com', '--hidden'])).toEqual({
      hidden: false,
      links: [],
      rejectedLinks: [],
    });
  });

  it('collects the deep links the OS passes as arguments, and keeps the bad ones for the log only', () => {
    expect(
      parseLaunchArgs([
        'C:\\StreamSpace\\StreamSpace.exe',
        'streamspace://launch/firefox/',
        'STREAMSPACE://x/y',
      ]),
    ).toEqual({
      hidden: false,
      links: [{ action: 'launch', template: 'firefox' }],
      rejectedLinks: ['STREAMSPACE://x/y'],
    });
  });

  it('ignores our options when a link started the app, so a crafted link cannot inject them', () => {
    const args = parseLaunchArgs([
      'streamspace',
      'streamspace://open/admin-firefox-0a1b2c3d',
      '--server=https://evil.example',
      '--hidden',
    ]);
    expect(args).toEqual({
      hidden: false,
      links: [{ action: 'open', session: 'admin-firefox-0a1b2c3d' }],
      rejectedLinks: [],
    });
  });
});

describe('parseDeepLink', () => {
  it.each([
    ['streamspace://launch/firefox', { action: 'launch', template: 'firefox' }],
    ['streamspace://LAUNCH/xterm', { action: 'launch', template: 'xterm' }],
    ['streamspace://open/admin-firefox-0a1b2c3d/', { action: 'open', session: 'admin-firefox-0a1b2c3d' }],
    [
      'streamspace://launch/firefox?server=https%3A%2F%2Fss.example.com%2F',
      { action: 'launch', template: 'firefox', server: 'https://ss.example.com' },
    ],
    [
      'streamspace://open/s-1?server=https://ss.example.com/base',
      { action: 'open', session: 's-1', server: 'https://ss.example.com/base' },
    ],
  ])('accepts %s', (text, link) => {
    expect(parseDeepLink(text)).toEqual(link);
  });

  it.each([
    ['another scheme', 'https://launch/firefox'],
    ['an unknown action', 'streamspace://delete/firefox'],
    ['no name', 'streamspace://launch/'],
    ['a template name the protocol refuses', 'streamspace://launch/Firefox'],
    ['an encoded path in the name', 'streamspace://launch/..%2Fetc'],
    ['an extra segment', 'streamspace://open/a/b'],
    ['a session name too long for a DNS label', `streamspace://open/${'a'.repeat(64)}`],
    ['broken percent-encoding', 'streamspace://launch/%E0%A4%A'],
    ['credentials', 'streamspace://user:pw@launch/firefox'],
    ['a port', 'streamspace://launch:80/firefox'],
    ['a fragment', 'streamspace://launch/firefox#x'],
    ['an unknown parameter', 'streamspace://launch/firefox?cmd=rm'],
    [
      'a repeated parameter',
      'streamspace://launch/firefox?server=https://a.example&server=https://b.example',
    ],
    ['a plain-http server', 'streamspace://launch/firefox?server=http://ss.example.com'],
    ['a server with a query', 'streamspace://launch/firefox?server=https://ss.example.com/?a=1'],
    ['no authority', 'streamspace:launch/firefox'],
    ['an overlong link', `streamspace://launch/firefox?server=https://${'a'.repeat(2100)}.example`],
    ['junk', 'not a url'],
  ])('refuses %s', (_why, text) => {
    expect(parseDeepLink(text)).toBeNull();
  });
});
