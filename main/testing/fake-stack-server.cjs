// A stand-in for out/server/serve.js in the adapter smoke test: a tiny control plane on a free port
// that speaks the routes main uses, and the StackMessage handshake over the fork IPC channel.
const http = require('node:http');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dataDir = process.env.STREAMSPACE_DATA_DIR;
const password = process.env.STREAMSPACE_ADMIN_PASSWORD;
const templates = [
  {
    name: 'firefox',
    displayName: 'Firefox',
    description: 'A browser',
    category: 'browsers',
    tags: [],
    defaultResources: { memory: '1Gi', cpu: '1' },
    runtimes: ['local'],
  },
];
const sessions = [];
let issued = 0;

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function pair() {
  issued += 1;
  return {
    accessToken: `access-${issued}`,
    refreshToken: `refresh-${issued}`,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u1', username: 'admin', role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
  };
}

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => {
    raw += chunk;
  });
  req.on('end', () => {
    const body = raw ? JSON.parse(raw) : {};
    const route = `${req.method} ${req.url}`;
    if (route === 'POST /api/v1/auth/login') {
      if (body.username === 'admin' && body.password === password) return send(res, 200, pair());
      return send(res, 401, { error: { code: 'unauthorized', message: 'Invalid username or password' } });
    }
    if (route === 'POST /api/v1/auth/refresh') return send(res, 200, pair());
    if (route === 'POST /api/v1/auth/logout') return send(res, 204);
    if (!String(req.headers.authorization).startsWith('Bearer access-')) {
      return send(res, 401, { error: { code: 'unauthorized', message: 'no token' } });
    }
    if (route === 'GET /api/v1/templates') return send(res, 200, { templates });
    if (route === 'GET /api/v1/sessions') return send(res, 200, { sessions });
    if (route === 'POST /api/v1/sessions') {
      const now = new Date().toISOString();
      const session = {
        name: `admin-${body.template}-0000000${sessions.length + 1}`,
        namespace: 'local',
        user: 'admin',
        template: body.template,
        state: 'running',
        status: { phase: 'running', message: '' },
        resources: { memory: '1Gi', cpu: '1' },
        persistentHome: false,
        agentId: 'local',
        runtime: 'local',
        createdAt: now,
        updatedAt: now,
      };
      sessions.push(session);
      return send(res, 202, session);
    }
    return send(res, 404, { error: { code: 'not_found', message: route } });
  });
});

process.on('SIGTERM', () => {
  writeFileSync(join(dataDir, 'sigterm'), 'yes');
  server.close(() => process.exit(0));
});

server.listen(Number(process.env.PORT) || 0, '127.0.0.1', () => {
  writeFileSync(join(dataDir, 'env.json'), JSON.stringify({ argv: process.argv.slice(2), env: process.env }));
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}`, runtime: 'local' });
});
