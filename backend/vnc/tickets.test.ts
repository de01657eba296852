import { describe, expect, it } from 'vitest';
import type { SignIn } from '../auth/revocations';
import { TicketBook } from './tickets';

const signIn: SignIn = {
  userId: 'u1',
  key: 'k',
  familyId: 'f',
  accessExpiresAt: 1_000,
  signInExpiresAt: 2_000,
};

describe('TicketBook', () => {
  it('grants a ticket once, for its own session only', () => {
    const book = new TicketBook();
    const { ticket } = book.issue({ userId: 'u1', sessionName: 's1', signIn });
    expect(ticket.length).toBeGreaterThanOrEqual(40);
    expect(book.consume(ticket, 's1')).toEqual({ userId: 'u1', sessionName: 's1', signIn });
    expect(book.consume(ticket, 's1')).toBeNull();
    const other = book.issue({ userId: 'u1', sessionName: 's1', signIn }).ticket;
    expect(book.consume(other, 's2')).toBeNull();
    // A ticket tried against the wrong session is burnt, not left for a second guess.
    expect(book.consume(other, 's1')).toBeNull();
  });

  it('refuses an expired ticket', () => {
    let now = 0;
    const book = new TicketBook(30_000, () => now);
    const { ticket, expiresAt } = book.issue({ userId: 'u', sessionName: 's', signIn });
    expect(expiresAt.getTime()).toBe(30_000);
    now = 30_000;
    expect(book.consume(ticket, 's')).toBeNull();
  });

  it('holds at most the cap of unused tickets per user, dropping the oldest', () => {
    const book = new TicketBook(30_000, Date.now, 3);
    const issued = Array.from(
      { length: 5 },
      () => book.issue({ userId: 'u1', sessionName: 's', signIn }).ticket,
    );
    const bob = book.issue({ userId: 'u2', sessionName: 's', signIn }).ticket;
    expect(book.consume(issued[0] ?? '', 's')).toBeNull();
    expect(book.consume(issued[1] ?? '', 's')).toBeNull();
    for (const ticket of issued.slice(2)) expect(book.consume(ticket, 's')).not.toBeNull();
    expect(book.consume(bob, 's')).not.toBeNull();
  });
});
