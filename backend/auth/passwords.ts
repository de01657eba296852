import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// OWASP's scrypt floor (N=2^17, r=8, p=1): about 0.3 s and 128 MiB a hash. Logins run on libuv's
// thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), which also caps the memory a
// burst of logins can take.
const N = 131072;
const r = 8;
const p = 1;
const KEYLEN = 32;
// OpenSSL needs 128·r·(N+2) + 128·r·p bytes, a little over 128 MiB at our cost; the headroom is
// not enough for a stored hash with a cost far above ours to exhaust memory.
const MAXMEM = 256 * 1024 * 1024;

interface Params {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function derive(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: n, r: rr, p: pp, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function parse(stored: string): Params | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, rr, pp, salt, key] = parts;
  const params = {
    n: Number(n),
    r: Number(rr),
    p: Number(pp),
    salt: Buffer.from(salt ?? '', 'base64'),
    key: Buffer.from(key ?? '', 'base64'),
  };
  if (![params.n, params.r, params.p].every((v) => Number.isSafeInteger(v) && v > 0)) return undefined;
  return params;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = parse(stored);
  if (!params) return false;
  const actual = await derive(password, params.salt, params.n, params.r, params.p);
  return params.key.length === actual.length && timingSafeEqual(params.key, actual);
}

/** A hash made at a lower cost than today's, to be replaced once the password is known again. */
export function needsRehash(stored: string): boolean {
  const params = parse(stored);
  return !params || params.n < N || params.r < r || params.p < p;
}

/** A password hash to compare against when the user does not exist, so timing does not reveal it. */
export const DUMMY_HASH = `scrypt$${N}$${r}$${p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEYLEN).toString('base64')}`;

export function generatePassword(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}
