import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { CommandAction, Role, RuntimeName, SessionState } from '../../protocol';

/** The protocol's zod enums are the one list of allowed values; drizzle wants them as a non-empty tuple. */
const values = <T extends string>(e: { options: readonly T[] }) =>
  e.options as unknown as readonly [T, ...T[]];

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: values(Role) }).notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** An admin disabled the account: it cannot sign in, and its tokens stop working. */
  disabledAt: ts('disabled_at'),
});

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** All tokens rotated from one login share a family, so reuse of an old one can revoke them all. */
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    replacedBy: text('replaced_by'),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.familyId)],
);

export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  tokenHash: text('token_hash').notNull(),
  runtime: text('runtime', { enum: values(RuntimeName) }).notNull(),
  maxSessions: integer('max_sessions').notNull(),
  status: text('status', { enum: ['online', 'offline'] })
    .notNull()
    .default('offline'),
  activeSessions: integer('active_sessions').notNull().default(0),
  load: real('load').notNull().default(0),
  version: text('version'),
  lastSeenAt: ts('last_seen_at'),
  revokedAt: ts('revoked_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /**
   * The one user a local-runtime agent runs sessions for: every session on it runs as the agent's
   * Unix account, so its users could read each other's sessions. Null on kubernetes agents (pods
   * keep users apart), and on local ones made before owners existed, which serve nobody until an
   * admin names one. The name is kept beside the id, as sessions do, since usernames never change.
   */
  ownerUserId: text('owner_user_id').references(() => users.id),
  ownerUsername: text('owner_username'),
  /** An admin let every user onto this local-runtime agent, knowing what that exposes. */
  shared: boolean('shared').notNull().default(false),
});

export const sessions = pgTable(
  'sessions',
  {
    name: text('name').primaryKey(),
    namespace: text('namespace').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    username: text('username').notNull(),
    template: text('template').notNull(),
    state: text('state', { enum: values(SessionState) }).notNull(),
    message: text('message').notNull().default(''),
    memory: text('memory').notNull(),
    cpu: text('cpu').notNull(),
    persistentHome: boolean('persistent_home').notNull().default(false),
    agentId: text('agent_id').references(() => agents.id),
    runtime: text('runtime', { enum: values(RuntimeName) }),
    /** Needed in clear to hand to the owner's viewer; never logged, never in a URL. */
    vncPassword: text('vnc_password').notNull(),
    lastViewedAt: ts('last_viewed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_agent_idx').on(t.agentId, t.state)],
);

export const commands = pgTable(
  'commands',
  {
    id: text('id').primaryKey(),
    /** Orders commands per session; a bigserial survives restarts unlike an in-memory counter. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    sessionName: text('session_name')
      .notNull()
      .references(() => sessions.name),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    action: text('action', { enum: values(CommandAction) }).notNull(),
    status: text('status', { enum: ['pending', 'sent', 'acked', 'done', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    message: text('message'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    ackedAt: ts('acked_at'),
    completedAt: ts('completed_at'),
    deadlineAt: ts('deadline_at').notNull(),
  },
  (t) => [
    index('commands_open_idx').on(t.agentId, t.status),
    index('commands_session_idx').on(t.sessionName, t.seq),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    target: text('target').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_at_idx').on(sql`${t.id} desc`)],
);

export type UserRow = typeof users.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type CommandRow = typeof commands.$inferSelect;
