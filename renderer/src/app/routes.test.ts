import { describe, expect, it } from 'vitest';
import { adminHash, parseRoute, SETTINGS_HASH, viewerHash } from './routes';

describe('parseRoute', () => {
  it('maps empty and root hashes to the main screen', () => {
    for (const hash of ['', '#', '#/', '#//']) expect(parseRoute(hash)).toEqual({ name: 'main' });
  });

  it('reads the session of a viewer route', () => {
    expect(parseRoute('#/viewer/abc')).toEqual({ name: 'viewer', session: 'abc' });
    expect(parseRoute('#/viewer/ada-firefox-0123abcd/')).toEqual({
      name: 'viewer',
      session: 'ada-firefox-0123abcd',
    });
  });

  it('rejects session names Kubernetes would not accept', () => {
    expect(parseRoute('#/viewer/ABC').name).toBe('not-found');
    expect(parseRoute('#/viewer/a%2Fb').name).toBe('not-found');
    expect(parseRoute('#/viewer/%E0%A4%A').name).toBe('not-found');
    expect(parseRoute('#/viewer/').name).toBe('not-found');
  });

  it('maps the settings hash to the settings screen', () => {
    expect(parseRoute(SETTINGS_HASH)).toEqual({ name: 'settings' });
    expect(parseRoute('#/settings/')).toEqual({ name: 'settings' });
    expect(parseRoute('#/settings/x').name).toBe('not-found');
  });

  it('maps the admin hashes to their tab, agents by default', () => {
    expect(parseRoute('#/admin')).toEqual({ name: 'admin', tab: 'agents' });
    expect(parseRoute(adminHash('audit'))).toEqual({ name: 'admin', tab: 'audit' });
    expect(parseRoute('#/admin/users/')).toEqual({ name: 'admin', tab: 'users' });
    expect(parseRoute('#/admin/secrets').name).toBe('not-found');
  });

  it('reports unknown routes', () => {
    expect(parseRoute('#/nowhere')).toEqual({ name: 'not-found', hash: '#/nowhere' });
    expect(parseRoute('#/viewer/a/b').name).toBe('not-found');
  });

  it('round-trips viewerHash', () => {
    expect(viewerHash('abc')).toBe('#/viewer/abc');
    expect(parseRoute(viewerHash('abc-1'))).toEqual({ name: 'viewer', session: 'abc-1' });
  });
});
