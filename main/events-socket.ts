import WebSocket from 'ws';
import type { EventsSocket, EventsSocketHandlers } from '../protocol';

/** connectEvents' socket, over the `ws` package: main has no browser WebSocket. */
export function wsEventsSocket(url: string, handlers: EventsSocketHandlers): EventsSocket {
  const ws = new WebSocket(url);
  ws.on('open', () => handlers.onOpen());
  ws.on('message', (data, isBinary) => handlers.onMessage(isBinary ? data : data.toString()));
  ws.on('close', (code) => handlers.onClose(code));
  // A refused or broken connection also closes; the close handler reconnects.
  ws.on('error', () => {});
  return {
    send: (data) => ws.send(data),
    close: (code) => ws.close(code),
  };
}
