import { AsyncEntry, type LinuxStore } from '@napi-rs/keyring';
import { z } from 'zod';
import { CodedError } from './errors';

export const CREDENTIAL_SERVICE = 'StreamSpace';
/** The local stack moves to a new port at every launch, so its accounts name it by this, not a URL. */
export const LOCAL_PROFILE_URL = 'local';
export const LOCAL_ADMIN_USERNAME = 'admin';

/** One keychain entry per user and server: `<username>@<profile URL>`. */
export const credentialAccount = (username: string, profileUrl: string) => `${username}@${profileUrl}`;
export const LOCAL_ADMIN_ACCOUNT = credentialAccount(LOCAL_ADMIN_USERNAME, LOCAL_PROFILE_URL);

export interface CredentialStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Removing an absent secret is not an error. */
  delete(account: string): Promise<void>;
}

export interface KeyringOptions {
  service?: string;
  /**
   * The Linux backend; the Secret Service unless set. The library's own fallback, the kernel
   * keyring, forgets everything at reboot while the user believes the app remembers: better to
   * say there is no keychain (KEYCHAIN_UNAVAILABLE_MESSAGE) and keep sign-ins for this run only.
   */
  linuxStore?: LinuxStore;
}

function keychainError(action: string, account: string, cause: unknown): CodedError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CodedError(
    'keychain_unavailable',
    `Cannot ${action} "${account}" in the system keychain: ${detail}`,
  );
}

/**
 * The OS keychain (Keychain, Credential Manager, Secret Service). The async entries keep D-Bus round
 * trips and unlock prompts off the main process's event loop, which also drives every window.
 */
export function keyringCredentialStore(options: KeyringOptions = {}): CredentialStore {
  const service = options.service ?? CREDENTIAL_SERVICE;
  const entryOptions = { linux: { store: options.linuxStore ?? 'secret-service' } };
  // Constructing an entry already talks to the backend and can throw, so it sits inside each try.
  const entry = (account: string) => new AsyncEntry(service, account, entryOptions);
  return {
    async get(account) {
      try {
        return await entry(account).getPassword();
      } catch (error) {
        throw keychainError('read', account, error);
      }
    },
    async set(account, secret) {
      try {
        await entry(account).setPassword(secret);
      } catch (error) {
        throw keychainError('store', account, error);
      }
    },
    async delete(account) {
      try {
        await entry(account).deletePassword();
      } catch (error) {
        throw keychainError('delete', account, error);
      }
    },
  };
}

/** What the user is told once the keychain turns out to be missing. */
export const KEYCHAIN_UNAVAILABLE_MESSAGE =
  'No system keychain (Secret Service) is available, so StreamSpace cannot remember sign-ins. ' +
  'You can sign in for this run; you will be asked again after quitting.';

/** For tests and for running without a keychain: secrets live as long as the process. */
export function memoryCredentialStore(initial: Record<string, string> = {}): CredentialStore & {
  snapshot(): Record<string, string>;
} {
  const secrets = new Map(Object.entries(initial));
  return {
    async get(account) {
      return secrets.get(account) ?? null;
    },
    async set(account, secret) {
      secrets.set(account, secret);
    },
    async delete(account) {
      secrets.delete(account);
    },
    snapshot: () => Object.fromEntries(secrets),
  };
}

/**
 * Uses `fallback` once `primary` reports the keychain unavailable (no Secret Service on a bare Linux
 * session, say). Sign-ins then last until quit, and the local stack gets a fresh admin password each start.
 */
export function withFallback(
  primary: CredentialStore,
  fallback: CredentialStore,
  onFallback: (error: CodedError) => void,
): CredentialStore {
  let store = primary;
  const attempt = async <T>(op: (s: CredentialStore) => Promise<T>): Promise<T> => {
    if (store === fallback) return op(fallback);
    try {
      return await op(primary);
    } catch (error) {
      if (!(error instanceof CodedError) || error.code !== 'keychain_unavailable') throw error;
      store = fallback;
      onFallback(error);
      return op(fallback);
    }
  };
  return {
    get: (account) => attempt((s) => s.get(account)),
    set: (account, secret) => attempt((s) => s.set(account, secret)),
    delete: (account) => attempt((s) => s.delete(account)),
  };
}

/** What one account's entry holds. JSON, because local mode keeps two secrets for the one account. */
const AccountSecrets = z.strictObject({
  refreshToken: z.string().min(1).optional(),
  adminPassword: z.string().min(1).optional(),
});
export type AccountSecrets = z.infer<typeof AccountSecrets>;
export type SecretsPatch = { [K in keyof AccountSecrets]?: string | null };

/** An account's secrets as fields; read-modify-write on one account is serialised. */
export interface SecretVault {
  read(account: string): Promise<AccountSecrets>;
  /** A field set to null is removed; an entry left with no field is deleted from the keychain. */
  update(account: string, patch: SecretsPatch): Promise<void>;
}

function decode(raw: string | null): AccountSecrets {
  if (raw === null) return {};
  try {
    // An unreadable entry (another program's, or a format of the future) is overwritten, not fatal.
    return AccountSecrets.catch({}).parse(JSON.parse(raw));
  } catch {
    return {};
  }
}

const vaults = new WeakMap<CredentialStore, SecretVault>();

/**
 * The vault over `store`. One per store, shared by every caller: the stack supervisor writes the
 * admin password and the sign-in the refresh token of the same local account, and two unserialised
 * read-modify-writes would lose one of them.
 */
export function secretVault(store: CredentialStore): SecretVault {
  const known = vaults.get(store);
  if (known) return known;
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(account: string, op: () => Promise<T>): Promise<T> => {
    const next = (queues.get(account) ?? Promise.resolve()).catch(() => undefined).then(op);
    queues.set(account, next);
    void next
      .finally(() => {
        if (queues.get(account) === next) queues.delete(account);
      })
      .catch(() => undefined);
    return next;
  };
  const vault: SecretVault = {
    read: (account) => serialised(account, async () => decode(await store.get(account))),
    update: (account, patch) =>
      serialised(account, async () => {
        const merged: Record<string, string> = { ...decode(await store.get(account)) };
        for (const [field, value] of Object.entries(patch)) {
          if (value === null) delete merged[field];
          else if (value !== undefined) merged[field] = value;
        }
        if (Object.keys(merged).length === 0) await store.delete(account);
        else await store.set(account, JSON.stringify(AccountSecrets.parse(merged)));
      }),
  };
  vaults.set(store, vault);
  return vault;
}

/** A memory store's initial entry holding `secrets`, for tests. */
export function accountEntry(account: string, secrets: AccountSecrets): Record<string, string> {
  return { [account]: JSON.stringify(secrets) };
}
