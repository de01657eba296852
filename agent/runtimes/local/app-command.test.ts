import { describe, expect, it } from 'vitest';
import { appArgv, buildAppEnv, buildXvncEnv, expandHome } from './app-command';

describe('expandHome', () => {
  it('replaces every {home} in every argument and leaves the rest alone', () => {
    expect(
      expandHome(['chromium', '--user-data-dir={home}/profile', '{home}:{home}', '$HOME'], '/h'),
    ).toEqual(['chromium', '--user-data-dir=/h/profile', '/h:/h', '$HOME']);
  });

  it('does not mutate its input', () => {
    const argv = ['{home}'];
    expandHome(argv, '/h');
    expect(argv).toEqual(['{home}']);
  });
});

describe('appArgv', () => {
  const local = { command: ['app', '--dir={home}', 'last'], rootArgs: ['--as-root={home}'] };

  it('puts rootArgs right after the program when running as root, and expands {home} in them', () => {
    expect(appArgv(local, '/h', true)).toEqual(['app', '--as-root=/h', '--dir=/h', 'last']);
  });

  it('leaves rootArgs out otherwise, and copes with a template that has none', () => {
    expect(appArgv(local, '/h', false)).toEqual(['app', '--dir=/h', 'last']);
    expect(appArgv({ command: ['app'] }, '/h', true)).toEqual(['app']);
  });
});

describe('buildAppEnv', () => {
  const base = {
    PATH: '/usr/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C',
    STREAMSPACE_AGENT_TOKEN: 'secret',
    DISPLAY: ':99',
    HOME: '/root',
    UNSET: undefined,
  };

  it('sets DISPLAY, HOME and XAUTHORITY for the session', () => {
    const env = buildAppEnv(base, { display: 4, home: '/s/home', xauthority: '/s/Xauthority' }, {});
    expect(env.DISPLAY).toBe(':4');
    expect(env.HOME).toBe('/s/home');
    expect(env.XAUTHORITY).toBe('/s/Xauthority');
  });

  it('keeps locale and PATH but never the agent token', () => {
    const env = buildAppEnv(base, { display: 4, home: '/h', xauthority: '/x' }, {});
    expect(env.PATH).toBe('/usr/bin');
    expect(env.LANG).toBe('C.UTF-8');
    expect(env.LC_ALL).toBe('C');
    expect(env).not.toHaveProperty('STREAMSPACE_AGENT_TOKEN');
    expect(env).not.toHaveProperty('UNSET');
  });

  it('adds the template env but does not let it move the display', () => {
    const env = buildAppEnv(
      base,
      { display: 4, home: '/h', xauthority: '/x' },
      { FOO: 'bar', DISPLAY: ':0' },
    );
    expect(env.FOO).toBe('bar');
    expect(env.DISPLAY).toBe(':4');
  });

  it('falls back to a default PATH', () => {
    expect(buildAppEnv({}, { display: 1, home: '/h', xauthority: '/x' }, {}).PATH).toContain('/usr/bin');
  });
});

describe('buildXvncEnv', () => {
  it('passes only harmless variables', () => {
    expect(buildXvncEnv({ PATH: '/p', STREAMSPACE_AGENT_TOKEN: 't', LANG: 'C' })).toEqual({
      PATH: '/p',
      LANG: 'C',
    });
  });
});
