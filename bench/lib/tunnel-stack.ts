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
  /** The local stack's port (its backend and in-process agent are one process). */
  localPort: number;
  backend: Child;
  agent: Child;
  localStack: Child;
  websockify: Child;
  direct: Opener;
  websockifyPath: Opener;
  /** Viewer → backend → (tunnel) → agent → server: a remote agent's path. */
  remote: Opener;
  /** Viewer → local stack → server: one hop, as in the desktop's local mode. */
  local: Opener;
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
 * The four paths to one sink server: direct TCP; Debian's websockify; StreamSpace with a remote
 * agent, the control plane (bench/backend-entry.ts) and a real agent process in separate
 * processes; and the local stack, backend and agent in one process. Both runtimes answer every
 * stream with a connection to the sink. `relayEnv` goes to the backend, the agent and the local
 * stack, for A/B runs of their settings.
 */
export async function startTunnelStack(relayEnv: Record<string, string> = {}): Promise<TunnelStack> {
  const started: Child[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-bench-tunnel-'));
  const cleanupDirs = [dataDir];
  const stop = async () => {
    for (const child of started.reverse()) await child.stop();
    for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sink = await startChild(process.execPath, [...TSX, join(ROOT, 'bench/sink-process.ts')], {
      ready: /listening (\d+)/,
    });
    started.push(sink.child);
    const sinkPort = Number(sink.match[1]);

    const backend = await startChild(
      process.execPath,
      // backend/main.ts as out/server/backend.js runs it, and answering for its relays' peak.
      [...PROFILE, ...TSX, join(ROOT, 'bench/backend-entry.ts'), '--port', '0', '--host', '127.0.0.1'],
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
          ...relayEnv,
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

    const localDir = mkdtempSync(join(tmpdir(), 'ss-bench-local-'));
    cleanupDirs.push(localDir);
    const localStack = await startChild(
      process.execPath,
      [...PROFILE, ...TSX, join(ROOT, 'bench/stack-process.ts')],
      {
        env: {
          ...relayEnv,
          BENCH_SINK_PORT: String(sinkPort),
          STREAMSPACE_DATA_DIR: localDir,
          STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
          LOG_LEVEL: 'warn',
        },
        ready: /stack at (http:\/\/\S+)/,
        timeoutMs: 60_000,
      },
    );
    started.push(localStack.child);
    const localUrl = localStack.match[1] as string;
    const localAdmin = await signIn(localUrl, 'admin', PASSWORD);
    const localSession = await launchRunning(localAdmin.api, 'xterm');

    const wsPort = await freePort();
    const websockify = await startChild('websockify', [`127.0.0.1:${wsPort}`, `127.0.0.1:${sinkPort}`], {
      ready: /Listen|proxying/i,
    });
    started.push(websockify.child);
    await waitForPort(wsPort);

    return {
      sinkPort,
      backendPort: Number(new URL(url).port),
      localPort: Number(new URL(localUrl).port),
      backend: backend.child,
      agent: agent.child,
      localStack: localStack.child,
      websockify: websockify.child,
      direct: () => tcpConn(sinkPort),
      websockifyPath: () => wsConn(`ws://127.0.0.1:${wsPort}/`, ['binary']),
      remote: async () => wsConn((await viewer(admin, session.name)).url),
      local: async () => wsConn((await viewer(localAdmin, localSession.name)).url),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
