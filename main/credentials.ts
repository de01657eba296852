import { AsyncEntry, type LinuxStore } from '@napi-rs/keyring';
import { CodedError } from './errors';

export const CREDENTIAL_SERVICE = 'StreamSpace Desktop';
export const LOCAL_ADMIN_PASSWORD_ACCOUNT = 'local-admin-password';
export const refreshTokenAccount = (profileId: string) => `refresh-token:${profileId}`;

export interface CredentialStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Removing an absent secret is not an error. */
  delete(account: string): Promise<void>;
}

export interface KeyringOptions {
  service?: string;
  /**
   * Pins Linux to one backend. Left unset, the keyring falls back from the Secret Service to the
   * kernel keyring, which forgets everything at reboot but beats refusing to start.
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
  const entryOptions = options.linuxStore ? { linux: { store: options.linuxStore } } : undefined;
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
