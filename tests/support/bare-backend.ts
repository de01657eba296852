import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendConfig, configFromEnv } from '../../backend/config';
import { type ControlPlane, createControlPlane } from '../../backend/control-plane';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { startLocalStack } from '../../stack/local-stack';
import { ADMIN_PASSWORD } from './backend';

/**
 * A control plane with exactly the given settings and none of startTestBackend's test-friendly
 * limits, for tests that must see the defaults: listening on `host`, or as the local stack.
 */
export interface BareBackend {
  cp: ControlPlane;
  /** Where to connect: always loopback, whatever the server listens on. */
  port: number;
  logs: string[];
  close(): Promise<void>;
}

export async function startBareBackend(
  env: Record<string, string> = {},
  options: { host?: string; localStack?: boolean } = {},
): Promise<BareBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-bare-'));
  const config: BackendConfig = configFromEnv(
    { STREAMSPACE_DATA_DIR: dataDir, STREAMSPACE_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'info', ...env },
    appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
  );
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, { write: (line: string) => logs.push(line) });
  let cp: ControlPlane;
  let stop: () => Promise<void>;
  if (options.localStack) {
    const stack = await startLocalStack(config, logger, {
      port: 0,
      host: options.host ?? '127.0.0.1',
      runtime: undefined,
      maxSessions: 1,
    });
    cp = stack.controlPlane;
    stop = () => stack.close();
  } else {
    cp = await createControlPlane(config, logger);
    await cp.listen(0, options.host ?? '127.0.0.1');
    stop = () => cp.close();
  }
  const address = cp.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    cp,
    port: address.port,
    logs,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request to 127.0.0.1:`port` with exactly these headers, Host included, which fetch will
 * not let a caller choose. With `Upgrade: websocket` it answers the refusal, or 101.
 */
export function rawRequest(
  port: number,
  init: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: init.method ?? 'GET', path: init.path, headers: init.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The headers of a WebSocket handshake, for rawRequest. */
export function upgradeHeaders(host: string): Record<string, string> {
  return {
    Host: host,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
  };
}
