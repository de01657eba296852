import { z } from 'zod';
import { BackendFilesOpen } from './files';
import { SessionName, TemplateName, Username } from './names';
import { KubernetesSection, LocalSection, Resources, RuntimeName } from './templates';
import { AgentThumbnail, BackendThumbnailRequest } from './thumbnails';

/** Everything an agent needs to start a session; the backend builds it from the template. */
export const SessionSpec = z.strictObject({
  name: SessionName,
  user: Username,
  template: TemplateName,
  resources: Resources,
  persistentHome: z.boolean(),
  /** Per-session VNC password (VncAuth uses at most 8 characters). */
  vncPassword: z.string().min(6).max(8),
  kubernetes: KubernetesSection.optional(),
  local: LocalSection.optional(),
});
export type SessionSpec = z.infer<typeof SessionSpec>;

export const CommandAction = z.enum(['start_session', 'stop_session', 'hibernate_session', 'wake_session']);
export type CommandAction = z.infer<typeof CommandAction>;

/** States an agent can observe on its side; the backend owns the rest. */
export const ObservedState = z.enum(['starting', 'running', 'hibernated', 'terminated', 'failed']);
export type ObservedState = z.infer<typeof ObservedState>;

const Id = z.string().min(1).max(100);

export const AgentHello = z.strictObject({
  type: z.literal('hello'),
  agentId: Id,
  runtime: RuntimeName,
  version: z.string().max(50),
  capacity: z.strictObject({ maxSessions: z.number().int().min(0).max(100_000) }),
  sessions: z.array(z.strictObject({ name: SessionName, state: ObservedState })).max(100_000),
});
export const AgentHeartbeat = z.strictObject({
  type: z.literal('heartbeat'),
  activeSessions: z.number().int().min(0),
  load: z.number().min(0).max(10_000),
});
export const AgentAck = z.strictObject({ type: z.literal('ack'), commandId: Id });
export const AgentResult = z.strictObject({
  type: z.literal('result'),
  commandId: Id,
  ok: z.boolean(),
  state: ObservedState,
  message: z.string().max(2000),
});
export const AgentSessionStatus = z.strictObject({
  type: z.literal('session_status'),
  name: SessionName,
  state: ObservedState,
  message: z.string().max(2000),
});
/** The agent could not open the stream it was asked for, so the viewer can be told at once. */
export const AgentTunnelError = z.strictObject({
  type: z.literal('tunnel_error'),
  tunnelId: Id,
  message: z.string().max(2000),
});

export const AgentToBackend = z.discriminatedUnion('type', [
  AgentHello,
  AgentHeartbeat,
  AgentAck,
  AgentResult,
  AgentSessionStatus,
  AgentTunnelError,
  AgentThumbnail,
]);
export type AgentToBackend = z.infer<typeof AgentToBackend>;
export type AgentHello = z.infer<typeof AgentHello>;
export type AgentResult = z.infer<typeof AgentResult>;
export type AgentSessionStatus = z.infer<typeof AgentSessionStatus>;

export const BackendWelcome = z.strictObject({
  type: z.literal('welcome'),
  heartbeatIntervalMs: z.number().int().positive(),
});
const StartCommand = z.strictObject({
  type: z.literal('command'),
  commandId: Id,
  action: z.literal('start_session'),
  session: SessionSpec,
});
export type StartCommand = z.infer<typeof StartCommand>;
/** Stop, hibernate and wake act on a session the agent already knows, so they carry only its name. */
const SessionCommand = z.strictObject({
  type: z.literal('command'),
  commandId: Id,
  action: z.enum(['stop_session', 'hibernate_session', 'wake_session']),
  name: SessionName,
});
export type SessionCommand = z.infer<typeof SessionCommand>;
export const BackendCommand = z.discriminatedUnion('action', [StartCommand, SessionCommand]);
export type BackendCommand = z.infer<typeof BackendCommand>;
export const BackendTunnelOpen = z.strictObject({
  type: z.literal('tunnel_open'),
  tunnelId: Id,
  session: SessionName,
});
export type BackendTunnelOpen = z.infer<typeof BackendTunnelOpen>;
/** Sent when a frame is refused; the connection stays up. */
export const BackendError = z.strictObject({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});

/** The command shape of an action: a start carries the spec, the others the name. */
export type CommandOf<A extends CommandAction> = A extends 'start_session' ? StartCommand : SessionCommand;

export const BackendToAgent = z.discriminatedUnion('type', [
  BackendWelcome,
  BackendCommand,
  BackendTunnelOpen,
  BackendThumbnailRequest,
  BackendFilesOpen,
  BackendError,
]);
export type BackendToAgent = z.infer<typeof BackendToAgent>;

/** The session a command is about, whichever its action. */
export function commandSession(command: BackendCommand): string {
  return command.action === 'start_session' ? command.session.name : command.name;
}
