export interface XvncArgsInput {
  /** fd (in the child) on which Xvnc writes the display number it picked. */
  displayFd: number;
  /**
   * Where RFB listens. Sessions use a Unix socket, relative to Xvnc's working directory (the
   * session dir) or absolute. A loopback port is only for stand-ins of a pod's VNC port in tests.
   */
  rfb: { unixSocket: string } | { loopbackPort: number };
  passwordFile: string;
  xauthorityFile: string;
  desktopName: string;
  geometry: string;
  depth: number;
}

/**
 * Xvnc's argv. No display argument: with -displayfd the X server picks a free display itself, so
 * two agents (or a user's own X server) never race for the same number.
 *
 * RFB goes over a Unix socket only: a TCP port, even on loopback, is open to every local user
 * (with only an 8-character password in the way), and Xvnc's per-host blacklist would let any of
 * them lock the agent out with a few wrong guesses. The socket sits in the 0700 session dir, which
 * no other account can enter.
 */
export function buildXvncArgs(input: XvncArgsInput): string[] {
  const listen =
    'unixSocket' in input.rfb
      ? // -1 turns the TCP listener off; 0 would mean 5900 + display.
        ['-rfbport', '-1', '-rfbunixpath', input.rfb.unixSocket, '-rfbunixmode', '0600']
      : ['-localhost', '-interface', '127.0.0.1', '-rfbport', String(input.rfb.loopbackPort)];
  return [
    '-displayfd',
    String(input.displayFd),
    '-auth',
    input.xauthorityFile,
    '-nolisten',
    'tcp',
    ...listen,
    '-SecurityTypes',
    'VncAuth',
    '-rfbauth',
    input.passwordFile,
    '-geometry',
    input.geometry,
    '-depth',
    String(input.depth),
    '-AlwaysShared',
    '-AcceptSetDesktopSize=1',
    '-desktop',
    input.desktopName,
  ];
}

/** Xvnc prints this when its RFB port was taken between a probe and its bind. */
export function isPortInUseFailure(log: string): boolean {
  return /address already in use/i.test(log);
}
