import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

export interface AnnounceOptions {
  dataDir: string;
  /** Whether stdout is a terminal a person is looking at (process.stdout.isTTY). */
  interactive: boolean;
  write: (text: string) => void;
  logger: Logger;
}

/**
 * Tells the operator the admin password that had to be generated. Only a terminal gets the
 * password itself: piped stdout ends up in journald, CI logs and container log collectors, which
 * others can read and which keep it for ever. Anywhere else it goes to a file only this user can
 * read, and the output says where.
 */
export async function announceAdminPassword(password: string, options: AnnounceOptions): Promise<void> {
  const hint = 'set STREAMSPACE_ADMIN_PASSWORD to choose it';
  if (options.interactive) {
    options.write(`Created user admin with password: ${password}\n(shown once; ${hint})\n`);
    return;
  }
  const file = join(options.dataDir, ADMIN_PASSWORD_FILE);
  const handle = await open(file, 'w', 0o600);
  try {
    // The mode given to open applies only to a new file; an old one keeps its own otherwise.
    await handle.chmod(0o600);
    await handle.writeFile(`${password}\n`);
  } finally {
    await handle.close();
  }
  options.logger.info({ file }, 'created user admin; its password is in this file');
  options.write(
    `Created user admin; its password is in ${file} (readable only by this user; delete it once you have signed in; ${hint})\n`,
  );
}
