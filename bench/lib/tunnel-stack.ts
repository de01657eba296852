import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchRunning, signIn, viewer } from './api';
import { type Child, startChild } from './child';
import { type Opener, tcpConn, wsConn } from './conn';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'bench-admin-password';
const TSX = ['--import', 'tsx'];
/** BENCH_TUNNEL_PROFILE=<dir>: the backend and the agent write V8 CPU profiles there on exit. */
const PROFILE = process.env.BENCH_TUNNEL_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_TUNNEL_PROFILE}`]
  : [];

export interface TunnelStack {
  sinkPort: number;
  backendPort: number;
  backend: Child;
  agent: Child;
  websockify: Child;
  direct: Opener;
  websockifyPath: Opener;
  streamspace: Opener;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The three paths to one sink server: direct TCP; Debian's websockify; and StreamSpace's own, with
 * the control plane (out/server/backend.js) and a real agent process in separate processes, the
 * agent's runtime answering every stream with a connection to the sink. `relayEnv` goes to the
 * backend and the agent, for A/B runs of their settings.
 */
export async function startTunnelStack(relayEnv: Record<string, string> = {}): Promise<TunnelStack> {
  const started: Child[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-bench-tunnel-'));
  try {
    const sink = await startChild(process.execPath, [...TSX, join(ROOT, 'bench/sink-process.ts')], {
      ready: /listening (\d+)/,
    });
    started.push(sink.child);
    const sinkPort = Number(sink.match[1]);

    const backend = await startChild(
      process.execPath,
      [...PROFILE, join(ROOT, 'out/server/backend.js'), '--port', '0', '--host', '127.0.0.1'],
      {
        env: {
          ...relayEnv,
          STREAMSPACE_DATA_DIR: dataDir,
          STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
          LOG_LEVEL: 'info',
        },
        ready: /"url":"(http:\/\/[^"]+)"[^\n]*control plane listening/,
        timeoutMs: 60_000,
      },
    );
    started.push(backend.child);
    const url = backend.match[1] as string;
    const admin = await signIn(url, 'admin', PASSWORD);
    const created = await admin.api.createAgent({
      body: { name: 'bench-agent', runtime: 'local', maxSessions: 100, owner: 'admin' },
    });

    const agent = await startChild(
      process.execPath,
      [...PROFILE, ...TSX, join(ROOT, 'bench/agent-process.ts')],
      {
        env: {
          BENCH_SINK_PORT: String(sinkPort),
          STREAMSPACE_URL: url,
          STREAMSPACE_AGENT_ID: created.agent.id,
          STREAMSPACE_AGENT_TOKEN: created.token,
          STREAMSPACE_LOG_LEVEL: 'info',
        },
        ready: /connected to the backend/,
      },
    );
    started.push(agent.child);
    const session = await launchRunning(admin.api, 'xterm');

    const wsPort = await freePort();
    const websockify = await startChild('websockify', [`127.0.0.1:${wsPort}`, `127.0.0.1:${sinkPort}`], {
      ready: /Listen|proxying/i,
    });
    started.push(websockify.child);
    await waitForPort(wsPort);

    return {
      sinkPort,
      backendPort: Number(new URL(url).port),
      backend: backend.child,
      agent: agent.child,
      websockify: websockify.child,
      direct: () => tcpConn(sinkPort),
      websockifyPath: () => wsConn(`ws://127.0.0.1:${wsPort}/`, ['binary']),
      streamspace: async () => {
        return wsConn((await viewer(admin, session.name)).url);
      },
      async stop() {
        for (const child of started.reverse()) await child.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const child of started.reverse()) await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
