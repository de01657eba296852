import { type SignedIn, signIn } from './api';
import { inBatches } from './fleet';

/** Access tokens last 15 minutes and a curve run takes longer; sign in again well before that. */
const REFRESH_AFTER_MS = 10 * 60_000;

/** A user of a benchmarked control plane, signed in again whenever its token gets old. */
export class Account {
  private signed: SignedIn;
  private at: number;

  private constructor(
    readonly baseUrl: string,
    readonly username: string,
    private readonly password: string,
    signed: SignedIn,
  ) {
    this.signed = signed;
    this.at = Date.now();
  }

  static async signIn(baseUrl: string, username: string, password: string): Promise<Account> {
    return new Account(baseUrl, username, password, await signIn(baseUrl, username, password));
  }

  /** A signed-in client whose token has at least five minutes left. */
  async fresh(): Promise<SignedIn> {
    if (Date.now() - this.at > REFRESH_AFTER_MS) {
      this.signed = await signIn(this.baseUrl, this.username, this.password);
      this.at = Date.now();
    }
    return this.signed;
  }
}

/** Plain users made through the admin API, each signed in. */
export async function createAccounts(admin: Account, names: readonly string[]): Promise<Account[]> {
  const api = (await admin.fresh()).api;
  // scrypt makes each of these ~0.3 s of CPU; a few at once keeps both cores busy without queueing.
  return inBatches(names, 4, async (username) => {
    const password = `${username}-bench-password`;
    await api.createUser({ body: { username, password, role: 'user' } });
    return Account.signIn(admin.baseUrl, username, password);
  });
}
