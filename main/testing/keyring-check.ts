// Runs inside a throwaway D-Bus session with its own gnome-keyring (see credentials.test.ts): the real
// keychain code path, without touching the developer's own keyring.
import { keyringCredentialStore, LOCAL_ADMIN_PASSWORD_ACCOUNT, refreshTokenAccount } from '../credentials';
import { CodedError } from '../errors';

const store = keyringCredentialStore({ linuxStore: 'secret-service' });
const phase = process.argv[2];
const result: Record<string, unknown> = { phase };

try {
  if (phase === 'write') {
    await store.set(LOCAL_ADMIN_PASSWORD_ACCOUNT, 'pä$$wörd with spaces');
    await store.set(refreshTokenAccount('work'), 'refresh-1');
    await store.set(refreshTokenAccount('work'), 'refresh-2');
    result.admin = await store.get(LOCAL_ADMIN_PASSWORD_ACCOUNT);
    result.refresh = await store.get(refreshTokenAccount('work'));
    result.missing = await store.get(refreshTokenAccount('nobody'));
  } else if (phase === 'read-delete') {
    result.admin = await store.get(LOCAL_ADMIN_PASSWORD_ACCOUNT);
    result.refresh = await store.get(refreshTokenAccount('work'));
    await store.delete(refreshTokenAccount('work'));
    await store.delete(refreshTokenAccount('work'));
    result.refreshAfterDelete = await store.get(refreshTokenAccount('work'));
  } else {
    await store.get(LOCAL_ADMIN_PASSWORD_ACCOUNT);
  }
} catch (error) {
  result.error = error instanceof CodedError ? { code: error.code, message: error.message } : String(error);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
