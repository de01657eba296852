import { describe, expect, it, vi } from 'vitest';
import { apiPath, routes } from '../protocol';
import { localAdmin, manualTimers, setup, stored } from './testing/auth-harness';

describe('AuthSession', () => {
  describe('background renewal', () => {
    it('renews before expiry without being asked, and again after that', async () => {
      const manual = manualTimers();
      const { server, credentials, auth, clock } = setup('remote', {}, { timers: manual.timers });
      await auth.login({ username: 'admin', password: 'admin-pw' });
      expect(manual.delays()).toEqual([15 * 60_000 - 60_000]);
      clock.advance(15 * 60_000 - 60_000);
      await manual.fire();
      expect(server.countCalls('POST', apiPath(routes.refresh))).toBe(1);
      expect(auth.state()?.accessToken).toBe('access-2');
      expect(credentials.snapshot()).toEqual(stored('refresh-2'));
      expect(manual.delays()).toEqual([15 * 60_000 - 60_000]);
    });

    it('signs out, and says so, when the server refuses the renewal', async () => {
      const manual = manualTimers();
      const lost = vi.fn();
      const { server, credentials, auth } = setup(
        'remote',
        {},
        { timers: manual.timers, onSignInLost: lost },
      );
      const changes = vi.fn();
      auth.onChange(changes);
      await auth.login({ username: 'admin', password: 'admin-pw' });
      server.revokeAllRefreshTokens();
      await manual.fire();
      expect(lost).toHaveBeenCalledOnce();
      expect(auth.state()).toBeNull();
      expect(changes).toHaveBeenLastCalledWith(null);
      expect(credentials.snapshot()).toEqual({});
      expect(manual.delays()).toEqual([]);
    });

    it('tries again later while the server cannot be reached', async () => {
      const manual = manualTimers();
      const { server, auth, warn } = setup('remote', {}, { timers: manual.timers });
      await auth.login({ username: 'admin', password: 'admin-pw' });
      server.offline = true;
      await manual.fire();
      expect(auth.state()?.accessToken).toBe('access-1');
      expect(manual.delays()).toEqual([30_000]);
      expect(warn).toHaveBeenCalledWith(expect.anything(), expect.stringContaining('retrying'));
      server.offline = false;
      await manual.fire();
      expect(auth.state()?.accessToken).toBe('access-2');
    });

    it('signs the local admin in again when the renewal is refused', async () => {
      const manual = manualTimers();
      const { server, auth } = setup('local', localAdmin('admin-pw'), { timers: manual.timers });
      await auth.loginLocal();
      server.revokeAllRefreshTokens();
      await manual.fire();
      expect(auth.state()?.accessToken).toBe('access-2');
      expect(server.countCalls('POST', apiPath(routes.login))).toBe(2);
    });

    it('stops renewing once disposed or signed out', async () => {
      const manual = manualTimers();
      const { auth } = setup('remote', {}, { timers: manual.timers });
      await auth.login({ username: 'admin', password: 'admin-pw' });
      auth.dispose();
      expect(manual.delays()).toEqual([]);
      const other = setup('remote', {}, { timers: manual.timers });
      await other.auth.login({ username: 'admin', password: 'admin-pw' });
      await other.auth.logout();
      expect(manual.delays()).toEqual([]);
    });
  });
});
