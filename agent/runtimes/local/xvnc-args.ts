export interface XvncArgsInput {
  /** fd (in the child) on which Xvnc writes the display number it picked. */
  displayFd: number;
  port: number;
  passwordFile: string;
  xauthorityFile: string;
  desktopName: string;
  geometry: string;
  depth: number;
}

/**
 * Xvnc's argv. No display argument: with -displayfd the X server picks a free display itself, so
 * two agents (or a user's own X server) never race for the same number.
 */
export function buildXvncArgs(input: XvncArgsInput): string[] {
  return [
    '-displayfd',
    String(input.displayFd),
    '-auth',
    input.xauthorityFile,
    '-nolisten',
    'tcp',
    '-localhost',
    '-interface',
    '127.0.0.1',
    '-rfbport',
    String(input.port),
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

/** Xvnc prints this when its RFB port was taken between our probe and its bind. */
export function isPortInUseFailure(log: string): boolean {
  return /address already in use/i.test(log);
}
