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

  agent(agent: AgentSummary): void {
    for (const s of this.subscribers) if (s.isAdmin) s.send({ type: 'agent', agent });
  }
}
