import { randomUUID } from 'node:crypto';
import { and, asc, eq, exists, inArray, lt, ne } from 'drizzle-orm';
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
   * Inserts a new session with its start command and sends that at once. Nothing can be queued
   * ahead of a command written with its session, so it is the session's head and goes out without
   * reading the queue back. Returns the session as the send left it (starting, when it went out).
   */
  async launch(values: typeof sessions.$inferInsert, agentId: string): Promise<SessionRow> {
    const { session, command } = await this.store.insertWithCommand(
      values,
      this.commandValues(values.name, agentId, 'start_session'),
    );
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

  private commandValues(sessionName: string, agentId: string, action: CommandAction) {
    const ms = action === 'start_session' ? this.deadlines.startMs : this.deadlines.otherMs;
    return {
      id: randomUUID(),
      sessionName,
      agentId,
      action,
      status: 'pending',
      deadlineAt: new Date(Date.now() + ms),
    } satisfies typeof commands.$inferInsert;
  }

  private async insert(session: SessionRow, agentId: string, action: CommandAction): Promise<CommandRow> {
    const row = (
      await this.db
        .insert(commands)
        .values(this.commandValues(session.name, agentId, action))
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
    const markSent = this.db
      .update(commands)
      .set({
        status: command.status === 'pending' ? 'sent' : command.status,
        sentAt: now,
        attempts: command.attempts + 1,
      })
      .where(eq(commands.id, command.id));
    const dispatched = () => {
      if (command.attempts > 0) return;
      this.metrics.dispatched(command.action, (now.getTime() - command.createdAt.getTime()) / 1000);
    };
    if (command.action !== 'start_session') {
      await markSent;
      dispatched();
      return session;
    }
    // A start also moves its session to starting: both writes in one statement.
    const sentRow = this.db.$with('sent').as(markSent.returning({ id: commands.id }));
    const moved = await this.store.transition(session.name, 'starting', 'starting', {}, [sentRow]);
    dispatched();
    return moved ?? session;
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
    if ((await this.finish(commandId, agentId, ok, observed, message))?.queuedBehind) {
      await this.dispatch(agentId);
    }
  }

  /**
   * Closes an open command of `agentId` and moves its session accordingly; null if there was none.
   * The guarded update is the lookup too: an unknown, foreign or finished command matches nothing.
   * The same statement says whether another command of the session waits: after nearly every
   * result none does, and asking the queue again was a query per result.
   */
  private async finish(
    commandId: string,
    agentId: string,
    ok: boolean,
    observed: ObservedState,
    message: string,
  ): Promise<{ queuedBehind: boolean } | null> {
    const closed = this.db.$with('closed').as(
      this.db
        .update(commands)
        .set({ status: ok ? 'done' : 'failed', message, completedAt: new Date() })
        .where(
          and(eq(commands.id, commandId), eq(commands.agentId, agentId), inArray(commands.status, [...OPEN])),
        )
        .returning({ action: commands.action, sessionName: commands.sessionName }),
    );
    // The subquery sees the table as it was before this statement, so it skips the closed command.
    const waiting = this.db
      .select({ id: commands.id })
      .from(commands)
      .where(
        and(
          eq(commands.sessionName, closed.sessionName),
          inArray(commands.status, [...OPEN]),
          ne(commands.id, commandId),
        ),
      );
    const done = (
      await this.db
        .with(closed)
        .select({
          action: closed.action,
          sessionName: closed.sessionName,
          queuedBehind: exists(waiting).mapWith(Boolean),
        })
        .from(closed)
    )[0];
    if (!done) return null;
    this.metrics.completed(done.action, ok);
    const target = outcome(done.action, ok, observed);
    await this.store.transition(done.sessionName, target, ok ? '' : message);
    return { queuedBehind: done.queuedBehind };
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
