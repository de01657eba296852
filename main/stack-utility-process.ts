// Electron adapter: the stack in a utilityProcess, so the app needs no ELECTRON_RUN_AS_NODE and the
// RunAsNode fuse stays off. The logic is in stack-supervisor.ts, which runs the same under a Node fork.
import { utilityProcess } from 'electron';
import type { StackExit, StackLauncher } from './stack-process';

export function utilityProcessLauncher(serviceName = 'StreamSpace local stack'): StackLauncher {
  return (script, args, { env }) => {
    const child = utilityProcess.fork(script, [...args], { env, stdio: 'pipe', serviceName });
    let killedWith: NodeJS.Signals | null = null;
    let exited = false;
    const exitListeners: Array<(exit: StackExit) => void> = [];
    // Electron reports only an exit code; the signal is ours to remember, for the tray's message.
    child.on('exit', (code) => {
      exited = true;
      const exit: StackExit =
        killedWith === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code, signal: null };
      for (const listener of exitListeners) listener(exit);
    });
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message) => {
        if (!exited) child.postMessage(message);
      },
      kill: (signal) => {
        if (exited) return;
        killedWith = signal;
        // utilityProcess.kill() is SIGTERM only; SIGKILL goes through the pid.
        if (signal === 'SIGTERM') child.kill();
        else if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        exitListeners.push(listener);
      },
    };
  };
}
