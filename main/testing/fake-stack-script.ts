import { apiPath, routes } from '../../protocol';

// A stand-in for out/server/serve.js: takes its config from the message channel as serve.js does,
// records how it was started, then behaves as FAKE_MODE says.
export const FAKE_STACK = `
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
const dir = process.env.STREAMSPACE_DATA_DIR;
const countFile = dir + '/starts';
const n = existsSync(countFile) ? Number(readFileSync(countFile, 'utf8')) + 1 : 1;
writeFileSync(countFile, String(n));
const mode = process.env.FAKE_MODE ?? 'ok';
const keys = ['ELECTRON_RUN_AS_NODE', 'PORT', 'STREAMSPACE_ADMIN_PASSWORD', 'STREAMSPACE_DATA_DIR',
  'STREAMSPACE_ALLOWED_ORIGINS', 'STREAMSPACE_RUNTIME', 'STREAMSPACE_KUBE_CONTEXT'];
const record = (config) => writeFileSync(dir + '/start-' + n + '.json', JSON.stringify({
  argv: process.argv.slice(2), pid: process.pid, connected: process.connected, config,
  env: Object.fromEntries(keys.map((k) => [k, process.env[k]])),
}));
if (n <= Number(process.env.FAKE_CRASHES ?? 0)) {
  record(null);
  console.error(JSON.stringify({ level: 50, msg: 'database is locked' }));
  console.error('shutting down');
  process.exit(3);
}
// The handler goes in first: main may send SIGTERM the moment it hears from us.
process.on('SIGTERM', () => {
  if (mode === 'stubborn') return;
  writeFileSync(dir + '/sigterm-' + n, '');
  process.exit(0);
});
process.once('message', (config) => {
  record(config);
  process.on('message', (m) => {
    if (m.type === 'shutdown') {
      writeFileSync(dir + '/shutdown-' + n, JSON.stringify(m));
      if (mode !== 'stubborn') process.exit(0);
    }
  });
  if (mode === 'fatal') {
    process.send({ type: 'fatal', message: 'no runtime available' });
    setTimeout(() => process.exit(1), 20);
    return;
  }
  const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
  const server = createServer((req, res) => {
    const challenge = req.headers['x-streamspace-launch-challenge'];
    if (challenge && mode !== 'no-proof') {
      res.setHeader('x-streamspace-launch-proof', createHmac('sha256', config.secret).update(challenge).digest('base64url'));
    }
    if (req.url !== '${apiPath(routes.readyz)}') { res.writeHead(404); res.end(); return; }
    if (mode === 'die-after-ready' && n === 1 && challenge) setTimeout(() => process.exit(7), 200);
    const ready = mode !== 'never-ready';
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ready ? { status: 'ready', database: 'ok', agentsOnline: 1 } : { error: { code: 'internal', message: 'database unavailable' } }));
  });
  server.listen(port, '127.0.0.1', () => {
    process.send({ type: 'hello from a newer stack' });
    process.send({ type: 'ready', url: 'http://127.0.0.1:' + port, runtime: 'local' });
    console.log('listening on ' + port);
  });
});
`;
