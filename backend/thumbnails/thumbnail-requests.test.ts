import { describe, expect, it } from 'vitest';
import type { BackendToAgent } from '../../protocol';
import { ThumbnailError, ThumbnailRequests } from './thumbnail-requests';

function sender(connected = true) {
  const sent: Array<{ agentId: string; message: BackendToAgent }> = [];
  return {
    sent,
    send(agentId: string, message: BackendToAgent) {
      if (!connected) return false;
      sent.push({ agentId, message });
      return true;
    },
    isConnected: () => connected,
  };
}

const ask = {
  agentId: 'a1',
  session: 'admin-xterm-0000abcd',
  vncPassword: 'secret12',
  width: 320,
  maxBytes: 100,
};

function requestIdOf(message: BackendToAgent | undefined): string {
  if (message?.type !== 'thumbnail_request') throw new Error('no thumbnail_request sent');
  return message.requestId;
}

describe('ThumbnailRequests', () => {
  it('sends the request, and resolves with the asked agent’s answer only', async () => {
    const s = sender();
    const requests = new ThumbnailRequests(s, 5_000, () => 42);
    const result = requests.request(ask);
    const message = s.sent[0]?.message;
    expect(message).toMatchObject({
      type: 'thumbnail_request',
      session: ask.session,
      vncPassword: 'secret12',
    });
    const requestId = requestIdOf(message);
    const data = Buffer.from('jpeg bytes').toString('base64');
    const frame = {
      type: 'thumbnail',
      requestId,
      ok: true,
      mime: 'image/jpeg',
      data,
      width: 2,
      height: 1,
    } as const;
    requests.answer('other-agent', frame);
    expect(requests.size).toBe(1);
    requests.answer('a1', frame);
    const thumbnail = await result;
    expect(thumbnail.bytes.toString()).toBe('jpeg bytes');
    expect(thumbnail.takenAt).toBe(42);
    expect(requests.size).toBe(0);
  });

  it('fails with its reason: offline agent, refusal, oversized answer, timeout', async () => {
    const offline = new ThumbnailRequests(sender(false));
    await expect(offline.request(ask)).rejects.toMatchObject({ reason: 'agent_offline' });

    const s = sender();
    const requests = new ThumbnailRequests(s, 5_000);
    const refused = requests.request(ask);
    requests.answer('a1', {
      type: 'thumbnail',
      requestId: requestIdOf(s.sent[0]?.message),
      ok: false,
      message: 'no VNC',
    });
    await expect(refused).rejects.toMatchObject({ reason: 'agent_error', message: 'no VNC' });

    const big = requests.request(ask);
    const data = Buffer.alloc(101).toString('base64');
    requests.answer('a1', {
      type: 'thumbnail',
      requestId: requestIdOf(s.sent[1]?.message),
      ok: true,
      mime: 'image/jpeg',
      data,
      width: 1,
      height: 1,
    });
    await expect(big).rejects.toThrow(/101 bytes, over 100/);

    const slow = new ThumbnailRequests(sender(), 20);
    const late = await slow.request(ask).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ThumbnailError);
    expect((late as ThumbnailError).reason).toBe('timeout');
    expect(slow.size).toBe(0);
  });
});
