import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

/** VncAuth compares DES over at most 8 bytes; longer passwords would be silently cut. */
export const VNC_PASSWORD_MAX = 8;

export interface VncPasswdOptions {
  vncpasswdPath?: string;
  /**
   * vncpasswd's whole environment. Never the agent's own: that may hold its token, and any process
   * of this account can read a child's /proc/<pid>/environ.
   */
  env?: Record<string, string>;
}

/**
 * Writes the session password in the obfuscated form Xvnc's -rfbauth reads, using TigerVNC's own
 * `vncpasswd -f` so the format is whatever this Xvnc expects. The password goes over stdin, never
 * argv or the environment, where other processes could read it in /proc.
 */
export async function writeVncPasswordFile(
  path: string,
  password: string,
  options: VncPasswdOptions = {},
): Promise<void> {
  if (password.length === 0 || password.length > VNC_PASSWORD_MAX || /[\0\r\n]/.test(password)) {
    throw new Error(`a VNC password must be 1 to ${VNC_PASSWORD_MAX} characters without line breaks`);
  }
  const obfuscated = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(options.vncpasswdPath ?? 'vncpasswd', ['-f'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdout = Buffer.concat(out);
      if (code === 0 && stdout.length === 8) resolve(stdout);
      else reject(new Error(`vncpasswd -f failed (${code}): ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${password}\n`);
  });
  await writeFile(path, obfuscated, { mode: 0o600 });
}
