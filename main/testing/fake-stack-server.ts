// A stand-in for out/server/serve.js in the adapter smoke test: a tiny control plane on a free port
// that speaks the routes main uses (paths from the route table), the /events socket, and the
// StackControl/StackMessage handshake over the parent channel (the fake utilityProcess's parentPort),
// with the /readyz launch proof. electron-adapter.test.ts bundles it to one file.
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  API_PREFIX,
  apiPath,
  EventsAuth,
  type RouteName,
  routes,
  type SessionDto,
  type TemplateDto,
  type TokenPair,
  wsRoutes,
} from '../../protocol';
import { answerLaunchChallenges, type ChannelProcess, parentChannel } from '../../stack/parent-channel';
import { session as fixtureSession, template, tokenPair } from './fixtures';

const dataDir = process.env.STREAMSPACE_DATA_DIR ?? '.';
const channel = parentChannel(process as unknown as ChannelProcess);
let password: string | undefined;
const templates: TemplateDto[] = [template('firefox', { description: 'A browser', category: 'browsers' })];
const sessions: SessionDto[] = [];
const subscribers = new Set<WebSocket>();
let issued = 0;

const route = (name: RouteName) => `${routes[name].method} ${apiPath(routes[name])}`;

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function pair(): TokenPair {
  issued += 1;
  return tokenPair(issued, new Date(Date.now() + 3_600_000));
}

const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => {
    raw += chunk;
  });
  req.on('end', () => {
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, string>;
    const called = `${req.method} ${req.url}`;
    if (called === route('readyz'))
      return send(res, 200, { status: 'ready', database: 'ok', agentsOnline: 1 });
    if (called === route('login')) {
      if (body.username === 'admin' && body.password === password) return send(res, 200, pair());
      return send(res, 401, { error: { code: 'unauthorized', message: 'Invalid username or password' } });
    }
    if (called === route('refresh')) return send(res, 200, pair());
    if (called === route('logout')) return send(res, 204);
    if (!String(req.headers.authorization).startsWith('Bearer access-')) {
      return send(res, 401, { error: { code: 'unauthorized', message: 'no token' } });
    }
    if (called === route('listTemplates')) return send(res, 200, { templates });
    if (called === route('listSessions')) return send(res, 200, { sessions });
    if (called === route('createSession')) {
      const now = new Date().toISOString();
      const session = fixtureSession(body.template ?? '', 'running', {
        name: `admin-${body.template}-0000000${sessions.length + 1}`,
        namespace: 'local',
        createdAt: now,
        updatedAt: now,
      });
      sessions.push(session);
      for (const ws of subscribers) ws.send(JSON.stringify({ type: 'session', session }));
      return send(res, 202, session);
    }
    return send(res, 404, { error: { code: 'not_found', message: called } });
  });
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (req.url !== API_PREFIX + wsRoutes.events.path) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('close', () => subscribers.delete(ws));
    ws.once('message', (data) => {
      const frame = EventsAuth.safeParse(JSON.parse(String(data)));
      if (!frame.success || !frame.data.token.startsWith('access-')) {
        ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'no token' }));
        ws.close(4401, 'unauthorized');
        return;
      }
      subscribers.add(ws);
      ws.send(JSON.stringify({ type: 'ready' }));
    });
  });
});

const exit = (how: string) => {
  writeFileSync(join(dataDir, 'sigterm'), how);
  for (const ws of subscribers) ws.terminate();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', () => exit('yes'));

async function main() {
  const config = await channel?.config(10_000);
  password = config?.adminPassword;
  if (config) answerLaunchChallenges(server, config.secret);
  channel?.onControl((message) => {
    if (message.type === 'shutdown') exit(`shutdown terminateSessions=${message.terminateSessions}`);
  });
  const flag = process.argv.indexOf('--port');
  server.listen(flag >= 0 ? Number(process.argv[flag + 1]) : 0, '127.0.0.1', () => {
    writeFileSync(
      join(dataDir, 'env.json'),
      JSON.stringify({
        argv: process.argv.slice(2),
        env: process.env,
        channel: channel?.kind ?? null,
        config: config ?? null,
      }),
    );
    const { port } = server.address() as AddressInfo;
    channel?.send({ type: 'ready', url: `http://127.0.0.1:${port}`, runtime: 'local' });
  });
}
void main();
