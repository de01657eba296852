import { join } from 'node:path';
import type { Logger } from 'pino';
import { LocalRuntime, localRuntimeAvailable, type Runtime } from '../agent';
import type { RuntimeName } from '../protocol';

export class StackError extends Error {
  override name = 'StackError';
}

export interface RuntimeContext {
  /** The stack's data folder; each runtime keeps its state in a folder of its own under it. */
  dataDir: string;
  logger: Logger;
}

type RuntimeMaker = (context: RuntimeContext) => Runtime;

/**
 * The runtimes the stack can run, by name. A runtime that cannot work on this machine throws a
 * StackError that says what to install or choose instead.
 */
const makers: Record<RuntimeName, RuntimeMaker> = {
  local: ({ dataDir, logger }) => {
    if (!localRuntimeAvailable()) {
      throw new StackError(
        'the local runtime needs Linux with TigerVNC (Xvnc) installed: apt install tigervnc-standalone-server',
      );
    }
    return new LocalRuntime({ stateDir: join(dataDir, 'local-runtime'), logger });
  },
  kubernetes: () => {
    throw new StackError(
      'the kubernetes runtime is not available in this build yet; use STREAMSPACE_RUNTIME=local',
    );
  },
};

/** The runtime called `name`, the local one when none is chosen. */
export function createRuntime(name: RuntimeName | undefined, context: RuntimeContext): Runtime {
  return makers[name ?? 'local'](context);
}
