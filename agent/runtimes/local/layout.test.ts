import { describe, expect, it } from 'vitest';
import { persistentHomeDir, sessionPaths, sessionsRoot } from './layout';

describe('layout', () => {
  it('keeps every file of a session inside its own dir', () => {
    const paths = sessionPaths('/state', 'alice-xterm-0123abcd');
    expect(paths.dir).toBe('/state/sessions/alice-xterm-0123abcd');
    for (const path of Object.values(paths)) expect(path.startsWith(paths.dir)).toBe(true);
    expect(paths.scratchHome).toBe('/state/sessions/alice-xterm-0123abcd/home');
    expect(paths.vncSocket).toBe('/state/sessions/alice-xterm-0123abcd/vnc.sock');
    expect(sessionsRoot('/state')).toBe('/state/sessions');
  });

  it('puts persistent homes outside session dirs', () => {
    expect(persistentHomeDir('/state', 'alice')).toBe('/state/homes/alice');
  });
});
