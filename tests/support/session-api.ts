import { type ApiClient, createApiClient, isActive, type SessionState } from '../../protocol';
import { eventually } from './eventually';
import { xvncFor } from './processes';

export interface SignedInApi {
  api: ApiClient;
  token: string;
}

/** An API client signed in as `username`, with the token it holds (for routes outside the client). */
export async function signedInApi(url: string, password: string, username = 'admin'): Promise<SignedInApi> {
  const { accessToken } = await createApiClient({ baseUrl: url }).login({ body: { username, password } });
  return { api: createApiClient({ baseUrl: url, token: () => accessToken }), token: accessToken };
}

/** Waits until the session's state, as the API reports it, is `state`. */
export async function sessionReaches(
  api: ApiClient,
  name: string,
  state: SessionState,
  timeoutMs: number,
  what = `${name} to be ${state}`,
): Promise<void> {
  await eventually(async () => (await api.getSession({ params: { name } })).state === state, timeoutMs, what);
}

/** Creates a session of `template` and waits until it runs; returns its name. */
export async function launchRunning(
  api: ApiClient,
  template: string,
  timeoutMs = 60_000,
  what?: string,
): Promise<string> {
  const { name } = await api.createSession({ body: { template } });
  await sessionReaches(api, name, 'running', timeoutMs, what ?? `${name} to run`);
  return name;
}

/**
 * Terminates every active session the API lists and waits for each one's Xvnc to exit, so a test
 * leaves none behind. `tolerant` swallows API errors (a stack that may already be going away);
 * the wait for Xvnc is never skipped.
 */
export async function endEverySession(api: ApiClient, options: { tolerant?: boolean } = {}): Promise<void> {
  const tolerate = <T>(p: Promise<T>, fallback: T): Promise<T> =>
    options.tolerant ? p.catch(() => fallback) : p;
  const { sessions } = await tolerate(api.listSessions({ query: { all: 'true' } }), { sessions: [] });
  for (const s of sessions) {
    if (isActive(s.state)) await tolerate(api.terminateSession({ params: { name: s.name } }), undefined);
  }
  await eventually(
    async () => sessions.every((s) => xvncFor(s.name).length === 0),
    30_000,
    'every Xvnc to exit',
  );
}

/**
 * Terminates the named sessions and waits for their Xvnc to exit, killing any that outstays
 * `timeoutMs`: cleanup for tests whose sessions may already have ended or failed.
 */
export async function endSessions(api: ApiClient | undefined, names: readonly string[], timeoutMs = 10_000) {
  for (const name of names) {
    await api?.terminateSession({ params: { name } }).catch(() => {});
    await eventually(async () => xvncFor(name).length === 0, timeoutMs, `Xvnc of ${name} to exit`).catch(
      () => {
        for (const pid of xvncFor(name)) process.kill(pid, 'SIGKILL');
      },
    );
  }
}
