import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { none, rest } from '../../protocol';
import { errorHandler } from './error-handler';
import { unauthorized } from './errors';
import { routeRegistrar, SENT } from './register';

const echo = rest({
  method: 'POST',
  path: '/things/:id',
  auth: 'public',
  params: z.strictObject({ id: z.string().regex(/^[a-z]+$/) }),
  query: z.strictObject({ n: z.coerce.number().int() }).optional(),
  body: z.strictObject({ text: z.string() }),
  response: z.object({ id: z.string(), n: z.number().optional(), text: z.string() }),
  status: 201,
  errors: [],
});
const gone = rest({
  method: 'DELETE',
  path: '/things/:id',
  auth: 'user',
  params: z.strictObject({ id: z.string() }),
  response: none,
  errors: ['unauthorized'],
});
const raw = rest({
  method: 'GET',
  path: '/raw',
  auth: 'public',
  response: z.string(),
  responseType: 'text',
  errors: [],
});

describe('routeRegistrar', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    const router = Router();
    const register = routeRegistrar(router, {
      currentUser: () => ({
        id: 'u1',
        username: 'alice',
        role: 'user',
        passwordHash: 'x',
        createdAt: new Date(),
        updatedAt: new Date(),
        disabledAt: null,
      }),
      guards: {
        user: [
          (req, _res, next) => {
            if (req.headers.authorization !== 'Bearer ok') throw unauthorized();
            next();
          },
        ],
      },
    });
    register(echo, ({ params, query, body }) => ({ id: params.id, n: query?.n, text: body.text }));
    register(gone, () => undefined);
    register(raw, ({ res }) => {
      res.type('text/plain').send('plain');
      return SENT;
    });
    app.use('/api', router);
    app.use(errorHandler(pino({ level: 'silent' })));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('parses params, query and body with the route schemas and answers with its status', async () => {
    const res = await post('/things/abc?n=3', { text: 'hi' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'abc', n: 3, text: 'hi' });
  });

  it('answers 400 in the API error shape when a part does not match', async () => {
    for (const [path, body] of [
      ['/things/ABC', { text: 'hi' }],
      ['/things/abc?n=x', { text: 'hi' }],
      ['/things/abc', { text: 1 }],
      ['/things/abc', { text: 'hi', extra: true }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
  });

  it("runs the route's guard before the handler, and answers an empty 204", async () => {
    expect((await fetch(`${base}/things/a`, { method: 'DELETE' })).status).toBe(401);
    const ok = await fetch(`${base}/things/a`, { method: 'DELETE', headers: { Authorization: 'Bearer ok' } });
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
  });

  it('leaves the answer to a handler that sent it itself', async () => {
    const res = await fetch(`${base}/raw`);
    expect(await res.text()).toBe('plain');
  });
});
