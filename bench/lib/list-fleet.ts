import { apiUrl } from '../../protocol';
import type { ProtocolAgent } from '../../tests/support/protocol-agent';
import { Account, createAccounts } from './accounts';
import { waitForState } from './api';
import { type BackendProcess, startBackendProcess } from './backend-process';
import type { Build } from './builds';
import { connectAgents, createAgents, inBatches } from './fleet';
import { RawHttpClient } from './raw-http';

/** What one user sees whatever the size of the install: its own list stays this long. */
export const ROWS_PER_USER = 20;
/** Users whose own lists are measured; more users than this hold the rest in bigger lists. */
export const MEASURED_USERS = 50;
/** Sessions per filler user: where the sessions beyond the measured users' live. */
const FILLER_ROWS = 1000;
const AGENTS = 10;
const PASSWORD = 'bench-admin-password';

/** One build's control plane with simulated agents, grown to a number of sessions on request. */
export class ListFleet {
  readonly measured: Account[] = [];
  private readonly fillers: Account[] = [];
  private readonly launched = new Map<Account, number>();
  private agents: ProtocolAgent[] = [];

  private constructor(
    readonly build: Build,
    readonly backend: BackendProcess,
    readonly admin: Account,
  ) {}

  static async start(build: Build, maxSessions: number): Promise<ListFleet> {
    const backend = await startBackendProcess(
      { STREAMSPACE_ADMIN_PASSWORD: PASSWORD, STREAMSPACE_MAX_SESSIONS_PER_USER: String(FILLER_ROWS) },
      build.entry,
    );
    try {
      const fleet = new ListFleet(build, backend, await Account.signIn(backend.url, 'admin', PASSWORD));
      const perAgent = Math.ceil(maxSessions / AGENTS) + 10;
      const creds = await createAgents(
        await fleet.admin.fresh(),
        Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`),
        perAgent,
      );
      fleet.agents = await connectAgents(backend.url, creds, { maxSessions: perAgent });
      return fleet;
    } catch (err) {
      await backend.stop();
      throw err;
    }
  }

  get sessions(): number {
    let n = 0;
    for (const count of this.launched.values()) n += count;
    return n;
  }

  /** Users with their own lists measured at this size: all of them once there are enough rows. */
  measuredAt(size: number): Account[] {
    return this.measured.slice(0, Math.min(MEASURED_USERS, Math.floor(size / ROWS_PER_USER)));
  }

  /**
   * Launches sessions through the API until `size` run: 20 for each measured user (up to 50
   * users), the rest in filler users' lists, so a user's own list stays 20 long as the install
   * grows and the admin's grows with it.
   */
  async growTo(size: number): Promise<void> {
    const users = Math.min(MEASURED_USERS, Math.floor(size / ROWS_PER_USER));
    const fillerRows = size - users * ROWS_PER_USER;
    const fillers = Math.ceil(fillerRows / FILLER_ROWS);
    const name = (kind: string, i: number) => `bench-${kind}-${String(i).padStart(3, '0')}`;
    const more = (have: Account[], want: number, kind: string) =>
      Array.from({ length: Math.max(0, want - have.length) }, (_, i) => name(kind, have.length + i));
    this.measured.push(...(await createAccounts(this.admin, more(this.measured, users, 'user'))));
    this.fillers.push(...(await createAccounts(this.admin, more(this.fillers, fillers, 'filler'))));
    const launches: Account[] = [];
    const top = (a: Account, rows: number) => {
      const have = this.launched.get(a) ?? 0;
      for (let i = have; i < rows; i++) launches.push(a);
    };
    for (const a of this.measured.slice(0, users)) top(a, ROWS_PER_USER);
    for (const [i, a] of this.fillers.entries()) {
      top(a, Math.min(FILLER_ROWS, fillerRows - i * FILLER_ROWS));
    }
    await inBatches(launches, 8, async (a) => {
      await (await a.fresh()).api.createSession({ body: { template: 'xterm' } });
      this.launched.set(a, (this.launched.get(a) ?? 0) + 1);
    });
    await this.waitAllRunning(size);
  }

  /**
   * The admin's list right after a write: every session write drops it, so this request reads
   * and encodes every row again. Hibernates one session and wakes it again, timing the gzipped
   * admin list right after each of the two requests; returns the two times.
   */
  async listAfterWrites(size: number): Promise<number[]> {
    const owner = this.measuredAt(size)[0];
    if (!owner) throw new Error('no measured user');
    const api = (await owner.fresh()).api;
    const name = (await api.listSessions()).sessions.find((s) => s.state === 'running')?.name;
    if (!name) throw new Error(`${owner.username} has no running session`);
    const url = new URL(`${apiUrl(this.backend.url, '/sessions')}?all=true`);
    const client = new RawHttpClient(url);
    const headers = {
      Authorization: `Bearer ${(await this.admin.fresh()).token}`,
      'Accept-Encoding': 'gzip',
    };
    const timed = async () => {
      const t0 = performance.now();
      const answer = await client.get(`${url.pathname}${url.search}`, headers);
      if (answer.status !== 200) throw new Error(`admin list answered ${answer.status}`);
      return performance.now() - t0;
    };
    try {
      // Warm: the connection, and this list as it is now.
      await timed();
      await api.hibernateSession({ params: { name } });
      const afterHibernate = await timed();
      await waitForState(api, name, 'hibernated');
      await api.wakeSession({ params: { name } });
      const afterWake = await timed();
      await waitForState(api, name, 'running');
      return [afterHibernate, afterWake];
    } finally {
      client.close();
    }
  }

  private async waitAllRunning(expected: number): Promise<void> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const api = (await this.admin.fresh()).api;
      const list = (await api.listSessions({ query: { all: 'true' } })).sessions;
      const running = list.filter((s) => s.state === 'running').length;
      if (running === expected && list.length === expected) return;
      if (Date.now() > deadline) throw new Error(`${running} of ${expected} sessions reached running`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
    await this.backend.stop();
  }
}
