import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from './errors';
import { matchPath } from './lib/route';
import { routes, wsRoutes } from './routes';

const all = [...Object.values(routes), ...Object.values(wsRoutes)];

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
}

describe('route table', () => {
  it('declares each method and path once', () => {
    const keys = Object.values(routes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const wsPaths = Object.values(wsRoutes).map((r) => r.path);
    expect(new Set(wsPaths).size).toBe(wsPaths.length);
  });

  it('has a params schema naming exactly the params in its path', () => {
    for (const r of all) {
      const names = pathParams(r.path);
      if (names.length === 0) continue;
      expect(r.params, r.path).toBeInstanceOf(z.ZodObject);
      expect(Object.keys((r.params as z.ZodObject).shape).sort(), r.path).toEqual([...names].sort());
    }
  });

  it('only names error codes the API knows', () => {
    for (const r of all) for (const code of r.errors) expect(ErrorCode.options, r.path).toContain(code);
  });

  it('answers 204 only where there is no body to answer with', () => {
    for (const r of Object.values(routes)) {
      if (r.status === 204) expect(r.response.safeParse(undefined).success, r.path).toBe(true);
    }
  });

  it('matches concrete paths back to their route, and nothing else', () => {
    expect(matchPath(wsRoutes.vnc.path, '/sessions/alice-xterm-0a1b2c3d/vnc')).toEqual({
      name: 'alice-xterm-0a1b2c3d',
    });
    expect(matchPath(wsRoutes.vnc.path, '/sessions//vnc')).toBeNull();
    expect(matchPath(wsRoutes.vnc.path, '/sessions/a/b/vnc')).toBeNull();
    expect(matchPath(wsRoutes.vnc.path, '/sessions/%E0%A4%A/vnc')).toBeNull();
    expect(matchPath(wsRoutes.events.path, '/events')).toEqual({});
  });
});
