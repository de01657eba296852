import { Router } from 'express';
import { LoginRequest, RefreshRequest } from '../../protocol';
import { authenticate, currentUser } from '../http/authenticate';
import { parse } from '../http/validate';
import { type AuthService, toUserDto } from './service';

export function authRoutes(auth: AuthService): Router {
  const r = Router();
  r.post('/auth/login', async (req, res) => {
    const body = parse(LoginRequest, req.body, 'login request');
    res.json(await auth.login(body.username, body.password, req.ip ?? 'unknown'));
  });
  r.post('/auth/refresh', async (req, res) => {
    const body = parse(RefreshRequest, req.body, 'refresh request');
    res.json(await auth.refresh(body.refreshToken));
  });
  r.post('/auth/logout', async (req, res) => {
    const body = parse(RefreshRequest, req.body, 'logout request');
    await auth.logout(body.refreshToken);
    res.status(204).end();
  });
  r.get('/me', authenticate(auth), (req, res) => {
    res.json(toUserDto(currentUser(req)));
  });
  return r;
}
