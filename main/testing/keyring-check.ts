// Runs inside a throwaway D-Bus session with its own gnome-keyring (see credentials.test.ts): the real
// keychain code path, without touching the developer's own keyring.
import { findCredentialsAsync } from '@napi-rs/keyring';
import {
  CREDENTIAL_SERVICE,
  credentialAccount,
  keyringCredentialStore,
  LOCAL_ADMIN_ACCOUNT,
  secretVault,
} from '../credentials';
import { CodedError } from '../errors';

const store = keyringCredentialStore();
const vault = secretVault(store);
const remote = credentialAccount('alice', 'https://streamspace.example.com');
const phase = process.argv[2];
const result: Record<string, unknown> = { phase };

try {
  if (phase === 'write') {
    await vault.update(LOCAL_ADMIN_ACCOUNT, { adminPassword: 'pä$$wörd with spaces' });
    await vault.update(LOCAL_ADMIN_ACCOUNT, { refreshToken: 'local-refresh' });
    await vault.update(remote, { refreshToken: 'refresh-1' });
    await vault.update(remote, { refreshToken: 'refresh-2' });
    result.local = await vault.read(LOCAL_ADMIN_ACCOUNT);
    result.remote = await vault.read(remote);
    result.missing = await vault.read(credentialAccount('nobody', 'https://streamspace.example.com'));
    result.accounts = (await findCredentialsAsync(CREDENTIAL_SERVICE)).map((c) => c.account).sort();
  } else if (phase === 'read-delete') {
    result.local = await vault.read(LOCAL_ADMIN_ACCOUNT);
    result.remote = await vault.read(remote);
    await vault.update(remote, { refreshToken: null });
    await vault.update(remote, { refreshToken: null });
    await vault.update(LOCAL_ADMIN_ACCOUNT, { refreshToken: null });
    result.remoteAfterDelete = await store.get(remote);
    result.localAfterDelete = await vault.read(LOCAL_ADMIN_ACCOUNT);
  } else {
    await store.get(LOCAL_ADMIN_ACCOUNT);
  }
} catch (error) {
  result.error = error instanceof CodedError ? { code: error.code, message: error.message } : String(error);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
