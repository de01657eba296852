import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { type BackendCommand, type CommandAction, KeyedQueue, type ObservedState } from '../../protocol';
import type { Db } from '../db/client';
import { type CommandRow, commands, type SessionRow, sessions } from '../db/schema';
import type { SessionStore } from '../sessions/store';
import type { TemplateCatalog } from '../templates/catalog';
import { outcome, specFor } from './command-specs';
import type { AgentSender } from './connections';

const OPEN = ['pending', 'sent', 'acked'] as const;

export interface CommandDeadlines {
  startMs: number;
  otherMs: number;
}

export interface CommandMetrics {
  dispatched(action: CommandAction, latencySeconds: number): void;
  completed(action: CommandAction, ok: boolean): void;
}

/**
 * Agent commands as rows: pending → sent → acked → done | failed. One command per session is in
 * flight at a time, in creation order; unfinished ones are re-sent to a reconnected agent until a
 * result arrives, and fail (with their session) at their deadline.
 */
export class CommandQueue {
  /** Commands already written to the agent's current connection; cleared when it reconnects. */
  private readonly sentOnConnection = new Map<string, Set<string>>();
  private readonly dispatching = new KeyedQueue<string>();

  constructor(
    private readonly db: Db,
    private readonly store: SessionStore,
    private readonly catalog: TemplateCatalog,
    private readonly sender: AgentSender,
    private readonly deadlines: CommandDeadlines,
    private readonly metrics: CommandMetrics,
    private readonly logger: Logger,
  ) {}

  async enqueue(session: SessionRow, agentId: string, action: CommandAction): Promise<CommandRow> {
    const row = await this.insert(session, agentId, action);
    await this.dispatch(agentId);
    return row;
  }

  /**
   * Queues the first command of a session that was inserted just now. Nothing can be queued ahead
   * of it, so it is its session's head and goes out without reading the queue back: one query less
   * between a launch request and its agent. Returns the session as the send left it.
   */
  async enqueueFirst(session: SessionRow, agentId: string, action: CommandAction): Promise<SessionRow> {
    const command = await this.insert(session, agentId, action);
    let latest = session;
    await this.serialised(agentId, async () => {
      const sent = this.sentOnConnection.get(agentId);
      // Not connected: the agent's next hello dispatches everything open, this included.
      if (!sent || !this.sender.isConnected(agentId)) return;
      const result = await this.sendHead(agentId, sent, command, session);
      if (result) latest = result;
    });
    return latest;
  }

  private async insert(session: SessionRow, agentId: string, action: CommandAction): Promise<CommandRow> {
    const ms = action === 'start_session' ? this.deadlines.startMs : this.deadlines.otherMs;
    const row = (
      await this.db
        .insert(commands)
        .values({
          id: randomUUID(),
          sessionName: session.name,
          agentId,
          action,
          status: 'pending',
          deadlineAt: new Date(Date.now() + ms),
        })
        .returning()
    )[0];
    if (!row) throw new Error('command was not inserted');
    return row;
  }

  /** A new connection from this agent: everything unfinished must be sent again. */
  connectionOpened(agentId: string): void {
    this.sentOnConnection.set(agentId, new Set());
  }

  connectionClosed(agentId: string): void {
    this.sentOnConnection.delete(agentId);
  }

  async hasOpenStart(sessionName: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: commands.id })
      .from(commands)
      .where(
        and(
          eq(commands.sessionName, sessionName),
          eq(commands.action, 'start_session'),
          inArray(commands.status, [...OPEN]),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  /** Sends the head command of each session on this agent, serialised per agent so order holds. */
  dispatch(agentId: string): Promise<void> {
    return this.serialised(agentId, () => this.dispatchNow(agentId));
  }

  /** Runs `work` after every earlier dispatch to this agent, so commands leave in queue order. */
  private serialised(agentId: string, work: () => Promise<void>): Promise<void> {
    return this.dispatching.run(agentId, work).catch((err: unknown) => {
      this.logger.error({ err, agentId }, 'command dispatch failed');
    });
  }

  private async dispatchNow(agentId: string): Promise<void> {
    const sent = this.sentOnConnection.get(agentId);
    if (!sent || !this.sender.isConnected(agentId)) return;
    // The session comes with its command: what a spec is built from never changes after insert, so
    // this read is as good as a fresh one and saves a query per command on the dispatch path.
    const open = await this.db
      .select({ command: commands, session: sessions })
      .from(commands)
      .leftJoin(sessions, eq(sessions.name, commands.sessionName))
      .where(and(eq(commands.agentId, agentId), inArray(commands.status, [...OPEN])))
      .orderBy(asc(commands.seq));
    const heads = new Map<string, (typeof open)[number]>();
    for (const c of open) if (!heads.has(c.command.sessionName)) heads.set(c.command.sessionName, c);
    for (const { command, session } of heads.values()) {
      if ((await this.sendHead(agentId, sent, command, session)) === false) return;
    }
  }

  /**
   * Writes one session's head command to the agent and records it. False when the socket is gone;
   * otherwise the session as it now is (moved to starting by a start).
   */
  private async sendHead(
    agentId: string,
    sent: Set<string>,
    command: CommandRow,
    session: SessionRow | null,
  ): Promise<SessionRow | null | false> {
    if (sent.has(command.id)) return session;
    if (!session) {
      await this.finish(command.id, agentId, false, 'failed', 'the session is gone');
      return session;
    }
    let message: BackendCommand;
    if (command.action === 'start_session') {
      const spec = specFor(this.catalog, session);
      if (!spec) {
        await this.finish(command.id, agentId, false, 'failed', 'template is no longer available');
        return session;
      }
      message = { type: 'command', commandId: command.id, action: command.action, session: spec };
    } else {
      message = { type: 'command', commandId: command.id, action: command.action, name: session.name };
    }
    const ok = this.sender.send(agentId, message);
    if (!ok) return false;
    sent.add(command.id);
    const now = new Date();
    await this.db
      .update(commands)
      .set({
        status: command.status === 'pending' ? 'sent' : command.status,
        sentAt: now,
        attempts: command.attempts + 1,
      })
      .where(eq(commands.id, command.id));
    if (command.attempts === 0) {
      this.metrics.dispatched(command.action, (now.getTime() - command.createdAt.getTime()) / 1000);
    }
    if (command.action !== 'start_session') return session;
    return (await this.store.transition(session.name, 'starting', 'starting')) ?? session;
  }

  async ack(agentId: string, commandId: string): Promise<void> {
    await this.db
      .update(commands)
      .set({ status: 'acked', ackedAt: new Date() })
      .where(
        and(
          eq(commands.id, commandId),
          eq(commands.agentId, agentId),
          inArray(commands.status, ['pending', 'sent']),
        ),
      );
  }

  /** A result from `agentId`; results for commands that are not this agent's are ignored. */
  async result(
    agentId: string,
    commandId: string,
    ok: boolean,
    observed: ObservedState,
    message: string,
  ): Promise<void> {
    // Then the session's next command, if one waits behind this one.
    if (await this.finish(commandId, agentId, ok, observed, message)) await this.dispatch(agentId);
  }

  /**
   * Closes an open command of `agentId` and moves its session accordingly; false if there was none.
   * The guarded update is the lookup too: an unknown, foreign or finished command matches nothing.
   */
  private async finish(
    commandId: string,
    agentId: string,
    ok: boolean,
    observed: ObservedState,
    message: string,
  ): Promise<boolean> {
    const done = (
      await this.db
        .update(commands)
        .set({ status: ok ? 'done' : 'failed', message, completedAt: new Date() })
        .where(
          and(eq(commands.id, commandId), eq(commands.agentId, agentId), inArray(commands.status, [...OPEN])),
        )
        .returning({ action: commands.action, sessionName: commands.sessionName })
    )[0];
    if (!done) return false;
    this.metrics.completed(done.action, ok);
    const target = outcome(done.action, ok, observed);
    await this.store.transition(done.sessionName, target, ok ? '' : message);
    return true;
  }

  /** Fails commands, and their sessions, that got no result in time. */
  async sweepDeadlines(now = new Date()): Promise<number> {
    const late = await this.db
      .select()
      .from(commands)
      .where(and(inArray(commands.status, [...OPEN]), lt(commands.deadlineAt, now)));
    for (const command of late) {
      const seconds = Math.round((command.deadlineAt.getTime() - command.createdAt.getTime()) / 1000);
      const message = `agent did not complete ${command.action} within ${seconds} s`;
      const updated = await this.db
        .update(commands)
        .set({ status: 'failed', message, completedAt: now })
        .where(and(eq(commands.id, command.id), inArray(commands.status, [...OPEN])))
        .returning({ id: commands.id });
      if (updated.length === 0) continue;
      this.metrics.completed(command.action, false);
      const session = await this.store.get(command.sessionName);
      if (session && session.state !== 'terminated')
        await this.store.transition(session.name, 'failed', message);
      this.logger.warn({ commandId: command.id, session: command.sessionName }, message);
      // A command queued behind the failed one is its session's head now.
      await this.dispatch(command.agentId);
    }
    return late.length;
  }

  /**
   * Stops a session the agent runs but the database has never heard of. No row can hold it (a
   * command belongs to a known session), so it is sent once per hello; the next hello repeats it.
   */
  stopUnknown(agentId: string, name: string): boolean {
    return this.sender.send(agentId, {
      type: 'command',
      commandId: `reconcile-${randomUUID()}`,
      action: 'stop_session',
      name,
    });
  }

  async get(commandId: string): Promise<CommandRow | undefined> {
    return (await this.db.select().from(commands).where(eq(commands.id, commandId)).limit(1))[0];
  }
}
