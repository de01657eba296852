import { routes } from '../../protocol';
import { loginClient } from '../http/addresses';
import type { routeRegistrar } from '../http/register';
import { type AuthService, toUserDto } from './service';

export function authRoutes(register: ReturnType<typeof routeRegistrar>, auth: AuthService): void {
  register(routes.login, ({ body, req }) => auth.login(body.username, body.password, loginClient(req)));
  register(routes.refresh, ({ body }) => auth.refresh(body.refreshToken));
  register(routes.logout, async ({ body }) => {
    await auth.logout(body.refreshToken);
    return undefined;
  });
  register(routes.me, ({ user }) => toUserDto(user));
}
