import { closeSync, openSync } from 'node:fs';
import { connect, type OnReadOpts, Socket } from 'node:net';
import { basename, dirname } from 'node:path';

/** sun_path holds 108 bytes on Linux, the terminating NUL included. */
export const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Connects to a Unix socket by path, however long the path is. A state dir deep in a home folder
 * easily passes the socket address limit, so a long path is reached through an open descriptor of
 * its folder (/proc/self/fd/N/name), which the kernel resolves like the folder itself.
 */
export function connectUnix(path: string, options: { onread?: OnReadOpts } = {}): Socket {
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES) return connect({ path, onread: options.onread });
  let dirFd: number;
  try {
    dirFd = openSync(dirname(path), 'r');
  } catch (error) {
    // Fail the way a refused connection does, so callers need one error path.
    const socket = new Socket();
    process.nextTick(() => socket.destroy(error as Error));
    return socket;
  }
  const socket = connect({ path: `/proc/self/fd/${dirFd}/${basename(path)}`, onread: options.onread });
  let open = true;
  const release = () => {
    if (!open) return;
    open = false;
    closeSync(dirFd);
  };
  // The descriptor is needed only while connecting; the connected socket does not depend on it.
  socket.once('connect', release);
  socket.once('close', release);
  return socket;
}
