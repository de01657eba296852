import type { TokenPair } from '../../protocol';
import type { TestBackend } from './backend';

/** Creates a plain user through the admin API and signs them in. */
export async function createUser(
  b: TestBackend,
  adminToken: string,
  username: string,
  role: 'admin' | 'user' = 'user',
): Promise<TokenPair> {
  const password = `${username}-password-1`;
  const res = await b.api('/users', { token: adminToken, body: { username, password, role } });
  if (res.status !== 201) throw new Error(`could not create ${username}: ${res.status} ${await res.text()}`);
  return b.login(username, password);
}
