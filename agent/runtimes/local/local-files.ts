import { homeFiles } from '../../files/home-files';
import type { SessionFiles } from '../../files/session-files';

/** What the local runtime knows of a session for its files: the HOME its app was started with. */
export interface LocalSessionHome {
  file: { home: string };
}

/**
 * The local runtime's file access: each session's HOME (its scratch home, or the user's persistent
 * one) is a folder on this host, as the session's own app sees it.
 */
export function localFiles(
  sessions: () => Promise<{ get(name: string): LocalSessionHome | undefined }>,
): SessionFiles {
  return homeFiles(async (name) => (await sessions()).get(name)?.file.home ?? null);
}
