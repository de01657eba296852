import {
  type ApiClient,
  apiWebSocketUrl,
  createApiClient,
  isApiError,
  type SessionDto,
  type SessionState,
} from '../../protocol';

/** A signed-in user of the control plane: the one typed client, and the token it sends. */
export interface SignedIn {
  baseUrl: string;
  token: string;
  api: ApiClient;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function signIn(baseUrl: string, username: string, password: string): Promise<SignedIn> {
  const pair = await createApiClient({ baseUrl }).login({ body: { username, password } });
  return {
    baseUrl,
    token: pair.accessToken,
    api: createApiClient({ baseUrl, token: () => pair.accessToken }),
  };
}

/** Polls a session until it is in `state`; a session that fails on the way is an error. */
export async function waitForState(
  api: ApiClient,
  name: string,
  state: SessionState,
  timeoutMs = 30_000,
): Promise<SessionDto> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await api.getSession({ params: { name } });
    if (session.state === state) return session;
    if ((session.state === 'failed' && state !== 'failed') || Date.now() > deadline)
      throw new Error(`${name} is ${session.state}, not ${state}: ${session.status.message}`);
    await sleep(50);
  }
}

/** Terminates a session and waits until it is gone. */
export async function terminate(api: ApiClient, name: string): Promise<void> {
  await api.terminateSession({ params: { name } });
  await waitForState(api, name, 'terminated');
}

/** Calls until an agent is online to take it: the control plane answers 503 until then. */
async function onceAnAgentIsOnline<T>(call: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isApiError(error) || error.status !== 503 || Date.now() > deadline) throw error;
    }
    await sleep(100);
  }
}

/** Launches a template once an agent can take it, then waits for it to run. */
export async function launchRunning(
  api: ApiClient,
  template: string,
  timeoutMs = 30_000,
): Promise<SessionDto> {
  const deadline = Date.now() + timeoutMs;
  const session = await onceAnAgentIsOnline(() => api.createSession({ body: { template } }), deadline);
  return waitForState(api, session.name, 'running', deadline - Date.now());
}

/** A fresh viewer ticket and the VNC WebSocket URL it opens. */
export async function viewer(user: SignedIn, name: string): Promise<{ url: string; vncPassword: string }> {
  const ticket = await user.api.viewerTicket({ params: { name } });
  const url = apiWebSocketUrl(user.baseUrl, 'vnc', { params: { name }, query: { ticket: ticket.ticket } });
  return { url, vncPassword: ticket.vncPassword };
}
