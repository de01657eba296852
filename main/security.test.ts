import { describe, expect, it } from 'vitest';
import {
  buildCsp,
  classifyWindowOpen,
  DOCUMENTATION_ORIGINS,
  externalAllowList,
  externalLinkDecision,
  externalLinkPrompt,
  isAllowedNavigation,
  isAllowedPermission,
  isTrustedSender,
  openExternalLink,
  originOf,
  type Prompt,
  secureWebPreferences,
  viewerSessionOf,
  withCsp,
} from './security';

const app = 'app://streamspace';

describe('secureWebPreferences', () => {
  it('locks the renderer down and sets the preload', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      preload: '/x/preload.cjs',
    });
  });
});

describe('originOf', () => {
  it.each([
    ['app://streamspace/index.html#/viewer/a', 'app://streamspace'],
    ['http://127.0.0.1:8080/api', 'http://127.0.0.1:8080'],
    ['https://Example.COM/x', 'https://example.com'],
    ['file:///etc/passwd', null],
    ['about:blank', null],
    ['javascript:alert(1)', null],
    ['data:text/html,hi', null],
    ['not a url', null],
    ['', null],
  ])('%s → %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });
});

describe('isTrustedSender', () => {
  it('trusts frames of the app origin only', () => {
    expect(isTrustedSender('app://streamspace/index.html#/', app)).toBe(true);
    expect(isTrustedSender('app://streamspace.evil/index.html', app)).toBe(false);
    expect(isTrustedSender('app://other/index.html', app)).toBe(false);
    expect(isTrustedSender('https://streamspace/index.html', app)).toBe(false);
    expect(isTrustedSender('about:blank', app)).toBe(false);
    expect(isTrustedSender(undefined, app)).toBe(false);
    expect(isTrustedSender(null, app)).toBe(false);
  });

  it('accepts a list of origins, e.g. the dev server', () => {
    expect(isTrustedSender('http://localhost:5173/#/', [app, 'http://localhost:5173'])).toBe(true);
    expect(isTrustedSender('http://localhost:5174/#/', [app, 'http://localhost:5173'])).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('allows the renderer origin and nothing else', () => {
    expect(isAllowedNavigation('app://streamspace/index.html', [app])).toBe(true);
    expect(isAllowedNavigation('https://example.com/', [app])).toBe(false);
    expect(isAllowedNavigation('file:///home/u/index.html', [app])).toBe(false);
    expect(isAllowedNavigation('javascript:void(0)', [app])).toBe(false);
  });
});

describe('buildCsp', () => {
  const directive = (csp: string, name: string) =>
    csp
      .split('; ')
      .find((d) => d.startsWith(`${name} `))
      ?.split(' ')
      .slice(1);

  it('lets the renderer reach the control plane over HTTP and WebSocket only', () => {
    const csp = buildCsp({ backendOrigins: ['http://127.0.0.1:43123'] });
    expect(directive(csp, 'default-src')).toEqual(["'none'"]);
    expect(directive(csp, 'script-src')).toEqual(["'self'"]);
    expect(directive(csp, 'connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:43123',
      'ws://127.0.0.1:43123',
    ]);
    expect(directive(csp, 'object-src')).toEqual(["'none'"]);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('maps https to wss and ignores paths and junk', () => {
    const csp = buildCsp({ backendOrigins: ['https://ss.example.com/base/', 'nonsense'] });
    expect(directive(csp, 'connect-src')).toEqual([
      "'self'",
      'https://ss.example.com',
      'wss://ss.example.com',
    ]);
    expect(directive(csp, 'img-src')).toContain('https://ss.example.com');
  });

  it('accepts a port wildcard for the local stack, which may come back on another port', () => {
    const csp = buildCsp({ backendOrigins: ['http://127.0.0.1:*', 'http://[::1]:*'] });
    expect(directive(csp, 'connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:*',
      'ws://127.0.0.1:*',
      'http://[::1]:*',
      'ws://[::1]:*',
    ]);
  });

  it('drops sources that could widen the policy', () => {
    const csp = buildCsp({
      backendOrigins: [
        '*',
        'http://*',
        "'unsafe-eval'",
        'https://a.example.com; script-src *',
        'https://b.example.com/x',
      ],
    });
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'https://b.example.com', 'wss://b.example.com']);
    expect(csp.match(/script-src/g)).toHaveLength(1);
  });

  it('relaxes scripts only for the dev server', () => {
    const csp = buildCsp({ backendOrigins: [], devServerOrigin: 'http://localhost:5173' });
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directive(csp, 'connect-src')).toContain('ws://localhost:5173');
  });
});

describe('withCsp', () => {
  it('replaces any CSP header and keeps the rest', () => {
    expect(
      withCsp(
        { 'content-security-policy': ['x'], 'Content-Type': ['text/html'], 'CONTENT-SECURITY-POLICY': 'y' },
        'z',
      ),
    ).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ['z'] });
    expect(withCsp(undefined, 'z')).toEqual({ 'Content-Security-Policy': ['z'] });
  });
});

describe('isAllowedPermission', () => {
  const viewer = 'app://streamspace/index.html#/viewer/admin-firefox-0a1b2c3d';
  const dashboard = 'app://streamspace/index.html#/';
  const ask = (permission: string, requestingUrl: string | undefined, pageUrl: string | undefined) =>
    isAllowedPermission(permission, { requestingUrl, pageUrl }, [app]);

  it('grants the clipboard and fullscreen to a session viewer', () => {
    expect(ask('clipboard-read', viewer, viewer)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'app://streamspace/', viewer)).toBe(true);
    expect(ask('fullscreen', viewer, viewer)).toBe(true);
  });

  it('denies them to the dashboard, to other origins and to unknown pages', () => {
    expect(ask('clipboard-read', dashboard, dashboard)).toBe(false);
    expect(ask('fullscreen', dashboard, dashboard)).toBe(false);
    expect(ask('clipboard-read', 'https://evil.example/', viewer)).toBe(false);
    expect(ask('clipboard-read', viewer, undefined)).toBe(false);
    expect(ask('clipboard-read', viewer, 'app://streamspace/index.html#/viewer/Bad_Name')).toBe(false);
  });

  it('denies everything else, even to the viewer', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-write']) {
      expect(ask(permission, viewer, viewer)).toBe(false);
    }
  });
});

describe('viewerSessionOf', () => {
  it('reads the session of a viewer route of the renderer, and nothing else', () => {
    expect(viewerSessionOf('app://streamspace/index.html#/viewer/s-1', [app])).toBe('s-1');
    expect(viewerSessionOf('app://evil/index.html#/viewer/s-1', [app])).toBeNull();
    expect(viewerSessionOf('app://streamspace/index.html#/viewer/s-1/x', [app])).toBeNull();
    expect(viewerSessionOf(undefined, [app])).toBeNull();
  });
});

describe('classifyWindowOpen', () => {
  it('turns viewer routes of the renderer into session windows', () => {
    expect(classifyWindowOpen('app://streamspace/index.html#/viewer/admin-firefox-0a1b2c3d', [app])).toEqual({
      kind: 'viewer',
      name: 'admin-firefox-0a1b2c3d',
    });
  });

  it('denies other renderer routes, bad names, and viewer routes from foreign origins', () => {
    expect(classifyWindowOpen('app://streamspace/index.html#/', [app])).toEqual({ kind: 'deny' });
    expect(classifyWindowOpen('app://streamspace/index.html#/viewer/Bad_Name', [app])).toEqual({
      kind: 'deny',
    });
    expect(classifyWindowOpen('app://streamspace/index.html#/viewer/a%2F..', [app])).toEqual({
      kind: 'deny',
    });
    expect(classifyWindowOpen('app://streamspace/index.html#/viewer/%E0%A4%A', [app])).toEqual({
      kind: 'deny',
    });
    expect(classifyWindowOpen('app://evil/index.html#/viewer/abc', [app])).toEqual({ kind: 'deny' });
  });

  it('sends web links to the browser and denies everything else', () => {
    expect(classifyWindowOpen('https://streamspace.io/docs', [app])).toEqual({
      kind: 'external',
      url: 'https://streamspace.io/docs',
    });
    expect(classifyWindowOpen('https://user:pw@example.com/', [app])).toEqual({ kind: 'deny' });
    expect(classifyWindowOpen('file:///etc/passwd', [app])).toEqual({ kind: 'deny' });
    expect(classifyWindowOpen('smb://server/share', [app])).toEqual({ kind: 'deny' });
    expect(classifyWindowOpen('javascript:alert(1)', [app])).toEqual({ kind: 'deny' });
  });
});

describe('externalLinkDecision', () => {
  const allowed = externalAllowList('https://ss.example.com/base');

  it('opens the server and the documentation at once', () => {
    expect(allowed).toEqual(['https://ss.example.com', ...DOCUMENTATION_ORIGINS]);
    expect(externalLinkDecision('https://ss.example.com/base/help', allowed)).toEqual({
      kind: 'open',
      url: 'https://ss.example.com/base/help',
    });
    expect(externalLinkDecision('https://kubernetes.io/docs/tasks/tools/', allowed).kind).toBe('open');
  });

  it('asks for any other web page, including look-alikes of allowed hosts', () => {
    for (const url of [
      'https://example.org/',
      'http://ss.example.com/',
      'https://ss.example.com:8443/',
      'https://ss.example.com.evil.example/',
      'https://sub.kubernetes.io/',
    ]) {
      expect(externalLinkDecision(url, allowed), url).toEqual({ kind: 'ask', url: new URL(url).toString() });
    }
  });

  it('never hands other schemes or credentials to the OS', () => {
    for (const url of [
      'file:///etc/passwd',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'javascript:alert(1)',
      'mailto:a@example.com',
      'https://user:pw@ss.example.com/',
      'not a url',
    ]) {
      expect(externalLinkDecision(url, allowed), url).toEqual({ kind: 'deny' });
    }
  });

  it('allows only the documentation without a server, e.g. before the local stack is up', () => {
    expect(externalAllowList(null)).toEqual([...DOCUMENTATION_ORIGINS]);
    expect(externalAllowList('nonsense')).toEqual([...DOCUMENTATION_ORIGINS]);
  });
});

describe('openExternalLink', () => {
  function deps(answer: boolean) {
    const opened: string[] = [];
    const prompts: Prompt[] = [];
    return {
      opened,
      prompts,
      deps: {
        allowedOrigins: () => externalAllowList('https://ss.example.com'),
        openExternal: async (url: string) => {
          opened.push(url);
        },
        confirm: async (prompt: Prompt) => {
          prompts.push(prompt);
          return answer;
        },
      },
    };
  }

  it('opens allowed links without a question', async () => {
    const { deps: d, opened, prompts } = deps(false);
    expect(await openExternalLink('https://ss.example.com/x', d)).toBe('opened');
    expect(opened).toEqual(['https://ss.example.com/x']);
    expect(prompts).toEqual([]);
  });

  it('asks before any other web page and respects the answer', async () => {
    const no = deps(false);
    expect(await openExternalLink('https://example.org/a', no.deps)).toBe('declined');
    expect(no.opened).toEqual([]);
    expect(no.prompts).toEqual([externalLinkPrompt('https://example.org/a')]);
    expect(no.prompts[0]!.message).toBe('Open example.org in your browser?');

    const yes = deps(true);
    expect(await openExternalLink('https://example.org/a', yes.deps)).toBe('opened');
    expect(yes.opened).toEqual(['https://example.org/a']);
  });

  it('refuses other schemes without asking', async () => {
    const { deps: d, opened, prompts } = deps(true);
    expect(await openExternalLink('file:///etc/passwd', d)).toBe('denied');
    expect(opened).toEqual([]);
    expect(prompts).toEqual([]);
  });
});
