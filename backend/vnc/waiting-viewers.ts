/** Viewers one user may have held open while their sessions start or wake. */
export const MAX_WAITING_VIEWERS_PER_USER = 8;

/**
 * Counts the viewer sockets each user has waiting, since a waiting socket costs a connection and
 * a timer for up to the start timeout, and a client could open them without end.
 */
export class WaitingViewers {
  private readonly waiting = new Map<string, number>();

  constructor(private readonly perUser = MAX_WAITING_VIEWERS_PER_USER) {}

  /** A release function, or null when the user already has as many waiting as allowed. */
  enter(userId: string): (() => void) | null {
    const count = this.waiting.get(userId) ?? 0;
    if (count >= this.perUser) return null;
    this.waiting.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.waiting.get(userId) ?? 1) - 1;
      if (left > 0) this.waiting.set(userId, left);
      else this.waiting.delete(userId);
    };
  }
}
