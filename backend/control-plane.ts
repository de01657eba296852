import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { Router } from 'express';
import type { Logger } from 'pino';
import { adminRoutes } from './admin-routes';
import { CommandQueue } from './agents/commands';
import { AgentConnections } from './agents/connections';
import { AgentFrameRouter } from './agents/frame-router';
import { AgentHub } from './agents/hub';
import { AgentRegistry } from './agents/registry';
import { BackoffLimiter } from './auth/rate-limit';
import { authRoutes } from './auth/routes';
import { randomToken } from './auth/secrets';
import { AuthService } from './auth/service';
import { AccessTokens } from './auth/tokens';
import type { BackendConfig } from './config';
import { makeDataDirPrivateLogged } from './data-dir';
import { type Database, type Db, openDatabase } from './db/client';
import { settings } from './db/schema';
import { EventHub } from './events/hub';
import { fileRoutes } from './files/routes';
import { createHttpApp } from './http/app';
import { authenticate, requireAdmin } from './http/authenticate';
import { createHostPolicy, guardUpgrades } from './http/host-check';
import { routeRegistrar } from './http/register';
import { AuditLog } from './ops/audit';
import { Metrics } from './ops/metrics';
import { opsRoutes } from './ops/routes';
import { IdleWarnings } from './sessions/idle-warnings';
import { sessionRoutes } from './sessions/routes';
import { SessionService } from './sessions/service';
import { SessionStore } from './sessions/store';
import { type LocalAvailability, TemplateCatalog } from './templates/catalog';
import { loadTemplates } from './templates/loader';
import { thumbnailRoutes } from './thumbnails/routes';
import { ThumbnailRequests } from './thumbnails/thumbnail-requests';
import type { LocalStreams } from './vnc/local-streams';
import { TicketBook } from './vnc/tickets';
import { TunnelBroker } from './vnc/tunnels';
import { createUpgradeHandler } from './ws/upgrade';

export interface ControlPlane {
  server: Server;
  database: Database;
  auth: AuthService;
  agents: AgentRegistry;
  hub: AgentHub;
  connections: AgentConnections;
  sessions: SessionService;
  store: SessionStore;
  commands: CommandQueue;
  catalog: TemplateCatalog;
  tickets: TicketBook;
  tunnels: TunnelBroker;
  /** The admin password when none was configured and one had to be made up. */
  generatedAdminPassword: string | undefined;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** One signing key per installation, kept in the database so every replica agrees on it. */
async function signingSecret(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: 'jwt_secret', value: randomToken(48) })
    .onConflictDoNothing();
  const row = (await db.select().from(settings).where(eq(settings.key, 'jwt_secret')).limit(1))[0];
  if (!row) throw new Error('could not read the signing key');
  return row.value;
}

export async function createControlPlane(
  config: BackendConfig,
  logger: Logger,
  /**
   * localStack: the desktop's own stack, whose admin signs in over loopback undelayed (see
   * LoginThrottle). localStreams: its in-process agent's streams, so its viewers take one hop.
   */
  options: {
    inMemoryDatabase?: boolean;
    localStack?: boolean;
    localStreams?: LocalStreams;
    /** The local stack's check of its own host for each template's program (see TemplateCatalog). */
    localAvailability?: LocalAvailability;
  } = {},
): Promise<ControlPlane> {
  // Before the database opens: it holds every secret, and older installs left it world-writable.
  await makeDataDirPrivateLogged(config.dataDir, logger, 'info');
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrationsDir: config.migrationsDir,
    inMemory: options.inMemoryDatabase ?? false,
  });
  // And after: PGlite's Emscripten file system sets modes itself, past the umask (its first start
  // unpacks ~970 files 0666). What it writes later stays shut away behind the 0700 folders.
  await makeDataDirPrivateLogged(config.dataDir, logger, 'debug');
  const db = database.db;
  const { templates, problems } = loadTemplates(config.templateDirs);
  for (const p of problems) logger.warn({ file: p.file, problem: p.message }, 'skipping invalid template');
  const catalog = new TemplateCatalog(templates, options.localAvailability);

  const events = new EventHub();
  const audit = new AuditLog(db, logger);
  const agents = new AgentRegistry(db);
  await agents.markAllOffline();
  const auth = new AuthService(
    db,
    new AccessTokens(await signingSecret(db)),
    {
      perIp: new BackoffLimiter({
        freeFailures: config.loginFailuresPerAddress,
        maxDelayMs: config.loginMaxDelayMs,
      }),
      perUser: new BackoffLimiter({
        freeFailures: config.loginFailuresPerUser,
        maxDelayMs: config.loginMaxDelayMs,
      }),
      localAdmin: options.localStack ? 'admin' : undefined,
    },
    logger,
  );
  const admin = await auth.ensureAdmin(config.adminPassword);

  // One pass, senders before readers: the connections write frames, the hub reads them and the
  // router hands each to the part it is about, so nothing needs wiring after construction.
  const store = new SessionStore(db, events);
  const connections = new AgentConnections();
  const metrics = new Metrics(
    () => store.countByState(),
    () => connections.onlineCount,
  );
  const commands = new CommandQueue(
    db,
    store,
    catalog,
    connections,
    { startMs: config.startTimeoutMs, otherMs: config.commandTimeoutMs },
    metrics,
    logger,
  );
  const tickets = new TicketBook();
  const tunnels = new TunnelBroker(connections);
  const sessions = new SessionService(
    store,
    commands,
    agents,
    catalog,
    tickets,
    audit,
    {
      namespace: config.namespace,
      maxSessionsPerUser: config.maxSessionsPerUser,
      idleHibernateMs: config.idleHibernateMs,
    },
    logger,
    (userId) => auth.findUser(userId),
  );
  const thumbnails = new ThumbnailRequests(connections);
  const router = new AgentFrameRouter({ commands, sessions, tunnels, thumbnails });
  const hub = new AgentHub(agents, connections, router, events, logger, {
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    helloTimeoutMs: 10_000,
    missedHeartbeats: 3,
  });
  hub.start();

  const api = Router();
  const register = routeRegistrar(api, {
    guards: { user: [authenticate(auth)], admin: [authenticate(auth), requireAdmin] },
  });
  opsRoutes(register, { ping: () => database.ping(), agentsOnline: () => connections.onlineCount, metrics });
  authRoutes(register, auth);
  sessionRoutes(register, sessions, catalog, auth.revocations);
  fileRoutes(register, { sessions, tunnels, maxUploadBytes: config.maxUploadBytes });
  thumbnailRoutes(register, { session: (name) => store.get(name), requests: thumbnails });
  adminRoutes(register, { auth, agents, hub: connections, audit, logger });

  // Read per request, by then the server below exists and listens.
  const hosts = createHostPolicy({ publicUrls: config.publicUrls, address: () => server.address() });
  const app = createHttpApp({
    routers: [api],
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies,
    hosts,
    rendererDir: config.rendererDir,
    logger,
  });
  const server = createServer(app);
  const upgrades = createUpgradeHandler({
    auth,
    agents,
    hub,
    events,
    sessions,
    store,
    tickets,
    tunnels,
    metrics,
    allowedOrigins: config.allowedOrigins,
    logger,
    viewerWaitMs: config.startTimeoutMs,
    localStreams: options.localStreams,
  });
  server.on('upgrade', guardUpgrades(hosts, upgrades.handle));
  server.on('listening', () => hosts.announce(logger));
  // A client that stalls mid-request must not hold a socket for ever. An upload may take longer
  // than any cap on the whole request, so a stall is a socket that moved no byte for a minute;
  // WebSockets leave this timeout behind (ws clears it) and keep their own pings.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  server.timeout = 60_000;

  const idleWarnings = new IdleWarnings({
    idleHibernateMs: config.idleHibernateMs,
    candidates: (cutoff) => store.runningIdleSince(cutoff),
    send: (username, event) => events.toUser(username, event),
  });
  const queue = commands;
  const timers = [
    setInterval(
      () =>
        void queue.sweepDeadlines().catch((err: unknown) => logger.error({ err }, 'deadline sweep failed')),
      1000,
    ),
    setInterval(
      () => void sessions.hibernateIdle().catch((err: unknown) => logger.error({ err }, 'idle sweep failed')),
      Math.min(30_000, Math.max(1000, config.idleHibernateMs / 4)),
    ),
    // Often enough that the warning comes close to a minute ahead, not up to a sweep late.
    setInterval(
      () =>
        void idleWarnings.sweep().catch((err: unknown) => logger.error({ err }, 'idle warning sweep failed')),
      Math.min(10_000, Math.max(1000, config.idleHibernateMs / 8)),
    ),
  ];
  for (const t of timers) t.unref();

  return {
    server,
    database,
    auth,
    agents,
    hub,
    connections,
    sessions,
    store,
    commands,
    catalog,
    tickets,
    tunnels,
    generatedAdminPassword: admin.generatedPassword,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve(`http://${shownHost}:${addr.port}`);
        });
      });
    },
    async close() {
      for (const t of timers) clearInterval(t);
      hub.stop();
      upgrades.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Entries are written after their requests answered; the last of them still go in.
      await audit.flush();
      await database.close();
    },
  };
}
