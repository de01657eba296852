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
  await b.client(adminToken).createUser({ body: { username, password, role } });
  return b.login(username, password);
}
