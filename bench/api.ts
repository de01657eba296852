import { cpus } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { apiPath, apiUrl, routes, SessionList } from '../protocol';
import { type Build, buildsToCompare, inRoundOrder, ratio } from './lib/builds';
import { ListFleet, ROWS_PER_USER } from './lib/list-fleet';
import { runClients } from './lib/load';
import { ProcessMeter } from './lib/proc';
import { RawHttpClient } from './lib/raw-http';
import { median, percentile, round, table } from './lib/stats';

const SIZES = (process.env.BENCH_API_SIZES ?? '100,1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const CLIENTS = 50;
/** Requests per client and round; a 10,000-row answer is 3.7 MB, so fewer of those. */
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_API_REQUESTS ?? 40);
const BYTES_PER_ROUND = 4 * 1024 * 1024 * 1024;
/**
 * The lists measured. Browsers, Electron and Node's fetch all send Accept-Encoding: gzip, so the
 * targets are read there; the admin's list without it shows what the bytes alone cost.
 */
const LISTS = {
  user: { admin: false, gzip: true, label: 'user, own', targetMs: 25 },
  admin: { admin: true, gzip: true, label: 'admin, ?all=true', targetMs: 50 },
  'admin-identity': { admin: true, gzip: false, label: 'admin, no gzip', targetMs: undefined },
} as const;
/** The size the targets are set at. */
const TARGET_SIZE = 1000;

type ListKind = keyof typeof LISTS;

const rowsIn = (body: Buffer) => {
  const json = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
  return SessionList.parse(JSON.parse(json.toString())).sessions.length;
};

interface Row {
  sessions: number;
  list: ListKind;
  rowsPerAnswer: number;
  build: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of each round alone, in the order run: how much the figure moves between rounds. */
  roundP99Ms: number[];
  requestsPerSecond: number;
  backendCpuMsPerRequest: number;
  backendRssMb: number;
  /** Every process on the machine, and the part that was neither the backend nor the clients. */
  machineCores: number;
  otherCores: number;
  /** How late the clients' own event loop ran (p99 of the rounds' p99s); it inflates every latency. */
  clientLoopDelayMs: number;
  kbPerAnswer: number;
}

interface Samples {
  latencies: number[];
  roundP99: number[];
  cpuSeconds: number;
  seconds: number;
  rss: number;
  machine: number[];
  other: number[];
  clientDelay: number[];
  bytes: number;
}

/** One closed-loop round of 50 clients against one build, added to `into`. */
async function measureRound(
  fleet: ListFleet,
  list: ListKind,
  size: number,
  requestsPerClient: number,
  warmUp: boolean,
  into: Samples,
): Promise<void> {
  const admin = (await fleet.admin.fresh()).token;
  const users = await Promise.all(fleet.measuredAt(size).map(async (a) => (await a.fresh()).token));
  const tokens = Array.from({ length: CLIENTS }, (_, i) =>
    LISTS[list].admin ? admin : (users[i % users.length] as string),
  );
  const url = `${apiUrl(fleet.backend.url, '/sessions')}${LISTS[list].admin ? '?all=true' : ''}`;
  const rows = LISTS[list].admin ? size : ROWS_PER_USER;
  const meter = new ProcessMeter(fleet.backend.pid);
  meter.start();
  const run = await runClients({
    url,
    tokens,
    headers: LISTS[list].gzip ? { 'Accept-Encoding': 'gzip, deflate' } : {},
    intervalMs: 0,
    maxRequestsPerClient: requestsPerClient,
    maxSeconds: 120,
    // Parsing 50 answers of 1,000 rows blocks the clients for most of a second: the warm-up
    // checks every build's answers, and the measured rounds only count bytes.
    ...(warmUp ? { check: (body: Buffer) => rowsIn(body) === rows } : {}),
    connections: connectionsOf(fleet),
  });
  const usage = meter.stop();
  if (run.errors > 0) throw new Error(`${fleet.build.label}, ${list}, ${size}: ${run.errors} wrong answers`);
  into.latencies.push(...run.latenciesMs);
  into.roundP99.push(round(percentile(run.latenciesMs, 99), 1));
  into.cpuSeconds += usage.cores * usage.seconds;
  into.seconds += run.seconds;
  into.rss = Math.max(into.rss, usage.rssMb);
  into.machine.push(usage.machineCores);
  into.other.push(Math.max(0, usage.machineCores - usage.cores - usage.benchCores));
  into.clientDelay.push(run.clientLoopDelayP99Ms);
  into.bytes += run.bytes;
}

/** Each build's 50 client connections, opened once and kept for every round, as pollers keep theirs. */
const connections = new Map<ListFleet, RawHttpClient[]>();
function connectionsOf(fleet: ListFleet): RawHttpClient[] {
  let pool = connections.get(fleet);
  if (!pool) {
    const url = new URL(fleet.backend.url);
    pool = Array.from({ length: CLIENTS }, () => new RawHttpClient(url));
    connections.set(fleet, pool);
  }
  const url = new URL(fleet.backend.url);
  for (const [i, c] of pool.entries()) if (c.closed) pool[i] = new RawHttpClient(url);
  return pool;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const emptySamples = (): Samples => ({
  latencies: [],
  roundP99: [],
  cpuSeconds: 0,
  seconds: 0,
  rss: 0,
  machine: [],
  other: [],
  clientDelay: [],
  bytes: 0,
});

/** Warms each build up, then runs the rounds, alternating the order of the builds. */
async function measure(fleets: ListFleet[], list: ListKind, size: number): Promise<Row[]> {
  const bytesPerAnswer = ((LISTS[list].admin ? size : ROWS_PER_USER) * 380) / (LISTS[list].gzip ? 8 : 1);
  const perClient = Math.max(
    4,
    Math.min(REQUESTS_PER_CLIENT, Math.floor(BYTES_PER_ROUND / CLIENTS / bytesPerAnswer)),
  );
  const samples = new Map<ListFleet, Samples>();
  for (const f of fleets) {
    // JIT, the cached lists and kept-alive sockets; not counted.
    await measureRound(f, list, size, 3, true, emptySamples());
    samples.set(f, emptySamples());
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of inRoundOrder(fleets, r))
      await measureRound(f, list, size, perClient, false, samples.get(f) as Samples);
  }
  return fleets.map((f) => {
    const s = samples.get(f) as Samples;
    return {
      sessions: size,
      list,
      rowsPerAnswer: LISTS[list].admin ? size : ROWS_PER_USER,
      build: f.build.label,
      requests: s.latencies.length,
      p50Ms: round(median(s.latencies), 2),
      p99Ms: round(percentile(s.latencies, 99), 2),
      roundP99Ms: s.roundP99,
      requestsPerSecond: round(s.latencies.length / s.seconds, 0),
      backendCpuMsPerRequest: round((s.cpuSeconds * 1000) / s.latencies.length, 3),
      backendRssMb: round(s.rss, 0),
      machineCores: round(mean(s.machine), 2),
      otherCores: round(mean(s.other), 2),
      clientLoopDelayMs: round(Math.max(...s.clientDelay), 1),
      kbPerAnswer: round(s.bytes / s.latencies.length / 1024, 1),
    };
  });
}

/**
 * GET /api/v1/sessions as the install grows: 100, 1,000 and 10,000 sessions (launched through the
 * API onto 10 simulated agents), 50 clients in a closed loop (no think time, so it measures
 * saturation: latency there is about 50 × the time one request takes), as users listing their
 * own 20 and as an admin listing all. With BENCH_BASELINE_ENTRY another build runs beside this
 * one, seeded alike, and the rounds alternate between them. Each control plane runs on PGlite in
 * its own process; the clients share the machine's two cores with it.
 */
export async function benchApi(): Promise<Record<string, unknown>> {
  const builds: Build[] = buildsToCompare();
  const maxSize = Math.max(...SIZES);
  const fleets: ListFleet[] = [];
  try {
    for (const b of builds) fleets.push(await ListFleet.start(b, maxSize));
    const rows: Row[] = [];
    const afterWrite: Array<{ sessions: number; build: string; medianMs: number; maxMs: number }> = [];
    for (const size of SIZES) {
      const seedStart = performance.now();
      await Promise.all(fleets.map((f) => f.growTo(size)));
      console.log(
        `${size} sessions running in every build (${round((performance.now() - seedStart) / 1000, 1)} s)`,
      );
      for (const list of Object.keys(LISTS) as ListKind[]) {
        rows.push(...(await measure(fleets, list, size)));
      }
      const times = new Map<ListFleet, number[]>(fleets.map((f) => [f, []]));
      for (let r = 0; r < ROUNDS; r++) {
        for (const f of inRoundOrder(fleets, r)) times.get(f)?.push(...(await f.listAfterWrites(size)));
      }
      for (const f of fleets) {
        const ms = times.get(f) ?? [];
        afterWrite.push({
          sessions: size,
          build: f.build.label,
          medianMs: round(median(ms), 1),
          maxMs: round(Math.max(...ms), 1),
        });
      }
    }
    const baselineOf = (r: Row) =>
      rows.find((b) => b.build === 'baseline' && b.sessions === r.sessions && b.list === r.list);
    const target = (r: Row) => {
      const ms = LISTS[r.list].targetMs;
      if (r.sessions !== TARGET_SIZE || ms === undefined || r.build !== 'this build') return '';
      return `p99 < ${ms}: ${r.p99Ms < ms ? 'met' : 'NOT met'}`;
    };
    console.log(
      `\nGET ${apiPath(routes.listSessions)} on PGlite, ${CLIENTS} closed-loop clients, ${ROUNDS} alternating rounds (machine: ${cpus().length} cores)`,
    );
    console.log(
      table(
        rows.map((r) => ({
          sessions: r.sessions,
          list: LISTS[r.list].label,
          rows: r.rowsPerAnswer,
          build: r.build,
          'p50 ms': r.p50Ms,
          'p99 ms': r.p99Ms,
          'p99 per round': r.roundP99Ms.join(' / '),
          'p99 vs baseline': ratio(r.p99Ms, baselineOf(r)?.p99Ms),
          'req/s': r.requestsPerSecond,
          'CPU ms/req': r.backendCpuMsPerRequest,
          'CPU vs baseline': ratio(r.backendCpuMsPerRequest, baselineOf(r)?.backendCpuMsPerRequest),
          'RSS MB': r.backendRssMb,
          'others, cores': r.otherCores,
          'client lag ms': r.clientLoopDelayMs,
          target: target(r),
        })),
      ),
    );
    console.log(
      '\nThe admin list requested alone right after a session write (it is read and encoded again)',
    );
    console.log(
      table(
        afterWrite.map((a) => ({
          sessions: a.sessions,
          build: a.build,
          'median ms': a.medianMs,
          'max ms': a.maxMs,
          'vs baseline': ratio(
            a.medianMs,
            afterWrite.find((b) => b.build === 'baseline' && b.sessions === a.sessions)?.medianMs,
          ),
        })),
      ),
    );
    return {
      afterWrite,
      database: 'pglite',
      clients: CLIENTS,
      rounds: ROUNDS,
      machineCores: cpus().length,
      lists: LISTS,
      targetAtSessions: TARGET_SIZE,
      builds,
      rows,
    };
  } finally {
    for (const pool of connections.values()) for (const c of pool) c.close();
    connections.clear();
    await Promise.all(fleets.map((f) => f.stop()));
  }
}
