import { cpus } from 'node:os';
import { apiPath, apiUrl, routes, SessionList } from '../protocol';
import type { ProtocolAgent } from '../tests/support/protocol-agent';
import { type SignedIn, signIn } from './lib/api';
import { startBackendProcess } from './lib/backend-process';
import { connectAgents, createAgents, createUsers, inBatches } from './lib/fleet';
import { runClients } from './lib/load';
import { ProcessMeter } from './lib/proc';
import { median, percentile, round, table } from './lib/stats';

const USERS = 50;
const SESSIONS_PER_USER = 20;
const AGENTS = 10;
const CLIENTS = 50;
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_API_REQUESTS ?? 60);
/** The tray polls every 3 s; a tenth of that per client is still far above real traffic. */
const POLL_MS = 250;
const POLL_SECONDS = 15;
const PASSWORD = 'bench-admin-password';
const TARGET_P99_MS = 25;

const sessionCount = (body: Buffer) => SessionList.parse(JSON.parse(body.toString())).sessions.length;

interface ScenarioResult {
  list: string;
  load: string;
  rowsPerAnswer: number;
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
  kbPerAnswer: number;
  backendCores: number;
  backendCpuMsPerRequest: number;
  backendRssMb: number;
  machineCores: number;
  clientLoopDelayP99Ms: number;
  meetsTarget: boolean;
}

async function waitAllRunning(admin: SignedIn, expected: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const list = (await admin.api.listSessions({ query: { all: 'true' } })).sessions;
    if (list.filter((s) => s.state === 'running').length === expected) return;
    if (Date.now() > deadline) throw new Error(`only some of ${expected} sessions reached running`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * GET /api/v1/sessions with 1,000 sessions in the database (50 users × 20, placed on 10 simulated
 * agents through the real API) and 50 concurrent clients, as users listing their own and as an
 * admin listing all; each both in a closed loop (no think time, so it shows saturation: latency
 * there is about 50 × the time one request takes) and polling every 250 ms. The control plane
 * runs on PGlite in its own process.
 */
export async function benchApi(): Promise<Record<string, unknown>> {
  const backend = await startBackendProcess({
    STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
    STREAMSPACE_MAX_SESSIONS_PER_USER: '1000',
  });
  let agents: ProtocolAgent[] = [];
  try {
    const admin = await signIn(backend.url, 'admin', PASSWORD);
    const names = Array.from({ length: USERS }, (_, i) => `bench-user-${String(i).padStart(3, '0')}`);
    const users = await createUsers(admin, names);
    const creds = await createAgents(
      admin,
      Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`),
      (USERS * SESSIONS_PER_USER) / AGENTS + 10,
    );
    agents = await connectAgents(backend.url, creds, { maxSessions: 1000 });

    const seedStart = performance.now();
    const launches = users.flatMap((u) => Array.from({ length: SESSIONS_PER_USER }, () => u));
    await inBatches(launches, 8, (client) => client.api.createSession({ body: { template: 'xterm' } }));
    await waitAllRunning(admin, launches.length);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`seeded ${launches.length} sessions through the API in ${round(seedSeconds, 1)} s`);

    const lists = [
      {
        list: 'user, own sessions',
        url: apiUrl(backend.url, '/sessions'),
        tokens: users.map((u) => u.token),
        rows: SESSIONS_PER_USER,
      },
      {
        list: 'admin, ?all=true',
        url: `${apiUrl(backend.url, '/sessions')}?all=true`,
        tokens: Array.from({ length: CLIENTS }, () => admin.token),
        rows: launches.length,
      },
    ];
    const loads = [
      { load: 'closed loop', intervalMs: 0, maxRequestsPerClient: REQUESTS_PER_CLIENT, maxSeconds: 45 },
      {
        load: `poll every ${POLL_MS} ms`,
        intervalMs: POLL_MS,
        maxRequestsPerClient: 1e9,
        maxSeconds: POLL_SECONDS,
      },
    ];
    const rows: ScenarioResult[] = [];
    for (const l of lists) {
      const check = (body: Buffer) => sessionCount(body) === l.rows;
      // Warm-up: JIT, PGlite caches and kept-alive sockets, not counted.
      await runClients({ ...l, intervalMs: 0, maxRequestsPerClient: 5, maxSeconds: 30, check });
      for (const m of loads) {
        const meter = new ProcessMeter(backend.pid);
        meter.start();
        const run = await runClients({ ...l, ...m, check });
        const usage = meter.stop();
        if (run.errors > 0) throw new Error(`${l.list}, ${m.load}: ${run.errors} failed or wrong answers`);
        const lat = run.latenciesMs;
        rows.push({
          list: l.list,
          load: m.load,
          rowsPerAnswer: l.rows,
          requests: lat.length,
          p50Ms: round(median(lat), 2),
          p90Ms: round(percentile(lat, 90), 2),
          p99Ms: round(percentile(lat, 99), 2),
          maxMs: round(Math.max(...lat), 2),
          requestsPerSecond: round(lat.length / run.seconds, 0),
          kbPerAnswer: round(run.bytes / lat.length / 1024, 1),
          backendCores: round(usage.cores, 2),
          backendCpuMsPerRequest: round((usage.cores * usage.seconds * 1000) / lat.length, 2),
          backendRssMb: round(usage.rssMb, 0),
          machineCores: round(usage.machineCores, 2),
          clientLoopDelayP99Ms: round(run.clientLoopDelayP99Ms, 1),
          meetsTarget: percentile(lat, 99) < TARGET_P99_MS,
        });
      }
    }

    const result = {
      database: 'pglite',
      sessions: launches.length,
      users: USERS,
      clients: CLIENTS,
      seedSeconds: round(seedSeconds, 1),
      targetP99Ms: TARGET_P99_MS,
      targetAppliesTo: 'admin, ?all=true (the stricter reading); every row reported',
      scenarios: rows,
    };
    console.log(
      `\nGET ${apiPath(routes.listSessions)}, ${launches.length} sessions on PGlite, ${CLIENTS} concurrent clients (machine: ${cpus().length} cores)`,
    );
    console.log(
      table(
        rows.map((r) => ({
          list: r.list,
          rows: r.rowsPerAnswer,
          '50 clients': r.load,
          requests: r.requests,
          'p50 ms': r.p50Ms,
          'p99 ms': r.p99Ms,
          'req/s': r.requestsPerSecond,
          'backend CPU ms/req': r.backendCpuMsPerRequest,
          'machine cores': r.machineCores,
          [`p99 < ${TARGET_P99_MS} ms`]: `${r.meetsTarget ? 'met' : 'NOT met'}${r.list.startsWith('admin') ? ' (target)' : ''}`,
        })),
      ),
    );
    return result;
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await backend.stop();
  }
}
