import { describe, expect, it } from 'vitest';
import { TicketBook } from './tickets';

describe('TicketBook', () => {
  it('grants a ticket once, for its own session only', () => {
    const book = new TicketBook();
    const { ticket } = book.issue({ userId: 'u1', sessionName: 's1' });
    expect(ticket.length).toBeGreaterThanOrEqual(40);
    expect(book.consume(ticket, 's1')).toEqual({ userId: 'u1', sessionName: 's1' });
    expect(book.consume(ticket, 's1')).toBeNull();
    const other = book.issue({ userId: 'u1', sessionName: 's1' }).ticket;
    expect(book.consume(other, 's2')).toBeNull();
    // A ticket tried against the wrong session is burnt, not left for a second guess.
    expect(book.consume(other, 's1')).toBeNull();
  });

  it('refuses an expired ticket', () => {
    let now = 0;
    const book = new TicketBook(30_000, () => now);
    const { ticket, expiresAt } = book.issue({ userId: 'u', sessionName: 's' });
    expect(expiresAt.getTime()).toBe(30_000);
    now = 30_000;
    expect(book.consume(ticket, 's')).toBeNull();
  });
});
