export { AgentConnection, type AgentConnectionOptions, type ConnectionState } from './connection';
export {
  isActiveObservedState,
  isRuntimeError,
  type Runtime,
  RuntimeError,
  type RuntimeErrorCode,
  type RuntimeSession,
  type RuntimeStatusEvent,
  type RuntimeStatusListener,
} from './runtime';
export { LocalRuntime, type LocalRuntimeOptions, localRuntimeAvailable } from './runtimes/local';
export { type RunningAgent, type StartAgentOptions, startAgent } from './start-agent';
export { pipeTunnel, type Tunnel, type TunnelOptions } from './tunnel';
export { AGENT_VERSION } from './version';
