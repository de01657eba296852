import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

const FAMILY_WILD = 0xffff;
const MIT_MAGIC_COOKIE = 'MIT-MAGIC-COOKIE-1';

function counted(data: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(data.length);
  return Buffer.concat([length, data]);
}

/**
 * One Xauthority entry that matches any host and any display number. The display is only known
 * once Xvnc has picked it, so the file both Xvnc (-auth) and the app (XAUTHORITY) read cannot name it.
 */
export function encodeWildcardCookie(cookie: Buffer): Buffer {
  const family = Buffer.alloc(2);
  family.writeUInt16BE(FAMILY_WILD);
  return Buffer.concat([
    family,
    counted(Buffer.alloc(0)),
    counted(Buffer.alloc(0)),
    counted(Buffer.from(MIT_MAGIC_COOKIE, 'latin1')),
    counted(cookie),
  ]);
}

/**
 * Without a cookie every local user could connect to the session's X display and read its
 * keystrokes; with it, only holders of this 0600 file can.
 */
export async function writeXauthority(path: string, cookie: Buffer = randomBytes(16)): Promise<void> {
  await writeFile(path, encodeWildcardCookie(cookie), { mode: 0o600 });
}
