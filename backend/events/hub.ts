import type { AgentSummary, ServerEvent, SessionDto } from '../../protocol';

export interface Subscriber {
  userId: string;
  username: string;
  isAdmin: boolean;
  send(event: ServerEvent): void;
}

/** Fans out session and agent changes to the /events sockets allowed to see them. */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  get size(): number {
    return this.subscribers.size;
  }

  session(session: SessionDto): void {
    for (const s of this.subscribers) {
      if (s.isAdmin || s.username === session.user) s.send({ type: 'session', session });
    }
  }

  /** An event for one user's own sockets only (not admins'), such as an idle warning. */
  toUser(username: string, event: ServerEvent): void {
    for (const s of this.subscribers) if (s.username === username) s.send(event);
  }

  agent(agent: AgentSummary): void {
    for (const s of this.subscribers) if (s.isAdmin) s.send({ type: 'agent', agent });
  }
}
