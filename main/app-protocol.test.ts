import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../tests/support/scratch-dir';
import { APP_ENTRY, dashboardUrl, resolveAppPath, serveAppRequest, viewerUrl } from './app-protocol';

const root = '/opt/StreamSpace/out/renderer';

describe('resolveAppPath', () => {
  it.each([
    ['app://streamspace/', `${root}/index.html`],
    ['app://streamspace/index.html', `${root}/index.html`],
    ['app://streamspace/index.html#/viewer/x', `${root}/index.html`],
    ['app://streamspace/assets/index-abc.js?v=1', `${root}/assets/index-abc.js`],
    ['app://streamspace/assets/a%20b.png', `${root}/assets/a b.png`],
    ['app://streamspace/assets/../index.html', `${root}/index.html`],
  ])('maps %s to %s', (url, path) => {
    expect(resolveAppPath(url, root)).toBe(path);
  });

  it.each([
    ['app://streamspace/../../etc/passwd', `${root}/etc/passwd`],
    ['app://streamspace/%2e%2e/%2e%2e/etc/passwd', `${root}/etc/passwd`],
    ['app://streamspace/..', `${root}/index.html`],
  ])('keeps %s inside the root, as URL parsing already folds dot segments (%s)', (url, path) => {
    expect(resolveAppPath(url, root)).toBe(path);
  });

  it.each([
    'app://streamspace/..%2f..%2fetc%2fpasswd',
    'app://streamspace/assets/..%2F..%2F..%2Fetc/passwd',
    'app://streamspace/..%5c..%5cwindows%5cwin.ini',
    'app://streamspace/index.html%00.png',
    'app://streamspace/%E0%A4%A',
    'app://other/index.html',
    'https://streamspace/index.html',
    'file:///etc/passwd',
    'garbage',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(url, root)).toBeNull();
  });

  it('does not confuse a sibling folder sharing the prefix with the root', () => {
    expect(resolveAppPath('app://streamspace/..%2frenderer-evil/x.js', root)).toBeNull();
  });
});

describe('renderer URLs', () => {
  it('builds the dashboard and viewer routes', () => {
    expect(dashboardUrl(APP_ENTRY)).toBe('app://streamspace/index.html#/');
    expect(viewerUrl(APP_ENTRY, 'admin-firefox-0a1b2c3d')).toBe(
      'app://streamspace/index.html#/viewer/admin-firefox-0a1b2c3d',
    );
  });
});

describe('serveAppRequest', () => {
  const dir = scratchDir('ss-renderer-', {
    once: true,
    setup: async (renderer) => {
      await mkdir(join(renderer, 'assets'));
      await writeFile(join(renderer, 'index.html'), '<!doctype html><title>x</title>');
      await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
      await writeFile(join(renderer, '..', 'secret.txt'), 'nope').catch(() => {});
    },
  });
  const options = () => ({ root: dir(), csp: () => "default-src 'self'" });

  it('serves HTML with the CSP and scripts with their type', async () => {
    const html = await serveAppRequest({ url: 'app://streamspace/', method: 'GET' }, options());
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await html.text()).toContain('<title>x</title>');

    const js = await serveAppRequest({ url: 'app://streamspace/assets/app.js', method: 'GET' }, options());
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(js.headers.get('content-security-policy')).toBeNull();
    expect(await js.text()).toBe('console.log(1)');
  });

  it('answers 404 for missing files, folders and escapes, 405 for writes', async () => {
    const get = (url: string) => serveAppRequest({ url, method: 'GET' }, options());
    expect((await get('app://streamspace/missing.js')).status).toBe(404);
    expect((await get('app://streamspace/assets')).status).toBe(404);
    expect((await get('app://streamspace/..%2fsecret.txt')).status).toBe(404);
    const post = await serveAppRequest({ url: 'app://streamspace/index.html', method: 'POST' }, options());
    expect(post.status).toBe(405);
  });
});
