import { describe, expect, it, vi } from 'vitest';
import type { LocalClipboard } from './clipboard-sync';
import { CLIPBOARD_CAPS_WAIT_MS, createViewerInput, type InputRfb } from './viewer-input';

type Listener = (event: CustomEvent<{ text: string }>) => void;

/** noVNC's RFB as far as the viewer's input uses it: its events, its keys and its clipboard. */
function fakeRfb() {
  const listeners = new Map<string, Set<Listener>>();
  const keys: Array<[number, boolean]> = [];
  const pasted: string[] = [];
  const rfb = {
    sendKey: (keysym: number, _code: string | null, down?: boolean) => void keys.push([keysym, down ?? true]),
    clipboardPasteFrom: (text: string) => void pasted.push(text),
    addEventListener: (type: string, listener: Listener) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(listener);
    },
    removeEventListener: (type: string, listener: Listener) => void listeners.get(type)?.delete(listener),
  };
  const emit = (type: string, text = '') => {
    for (const l of [...(listeners.get(type) ?? [])]) l(new CustomEvent(type, { detail: { text } }));
  };
  const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { rfb: rfb as unknown as InputRfb, keys, pasted, emit, count };
}

function fakeTarget() {
  const listeners = new Map<string, Set<() => void>>();
  const target = {
    addEventListener: (type: string, l: () => void) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(l);
    },
    removeEventListener: (type: string, l: () => void) => void listeners.get(type)?.delete(l),
  };
  const fire = (type: string) => {
    for (const l of [...(listeners.get(type) ?? [])]) l();
  };
  return { target: target as unknown as HTMLElement, fire };
}

const noEvents = { addEventListener: () => {}, removeEventListener: () => {} };
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(localText: string | null) {
  const writes: string[] = [];
  const local: LocalClipboard & { text: string | null } = {
    text: localText,
    read: async () => local.text,
    write: async (text) => {
      writes.push(text);
      local.text = text;
      return true;
    },
  };
  let keyboards = 0;
  const input = createViewerInput({
    local,
    window: noEvents,
    document: { ...noEvents, visibilityState: 'visible' },
    attachKeyboard: () => {
      keyboards++;
      return () => {
        keyboards--;
      };
    },
  });
  return { input, local, writes, keyboards: () => keyboards };
}

describe('viewer input', () => {
  it('offers the local clipboard on connect and on focus, and copies the session clipboard here', async () => {
    const { input, local, writes } = setup('local ✓');
    const { rfb, pasted, emit } = fakeRfb();
    const { target, fire } = fakeTarget();
    input.attach(rfb, target);
    expect(input.sendClipboard('too early')).toBe(false);
    emit('connect');
    await settle();
    expect(pasted).toEqual(['local ✓']);
    emit('clipboard', 'Grüße — 東京');
    await settle();
    expect(writes).toEqual(['Grüße — 東京']);
    // Back from the session: not sent back to it.
    fire('focusin');
    await settle();
    expect(pasted).toEqual(['local ✓']);
    local.text = 'copied here later';
    fire('pointerenter');
    await settle();
    expect(pasted).toEqual(['local ✓', 'copied here later']);
  });

  it('types text and presses combinations as keysyms, in order and released in reverse', () => {
    const { input } = setup(null);
    const { rfb, keys, emit } = fakeRfb();
    input.attach(rfb, fakeTarget().target);
    expect(input.typeText('a')).toBe(false);
    emit('connect');
    expect(input.typeText('é\n')).toBe(true);
    expect(input.pressKeys([0xffe3, 0xffe9, 0xffbe])).toBe(true);
    expect(keys).toEqual([
      [0xe9, true],
      [0xe9, false],
      [0xff0d, true],
      [0xff0d, false],
      [0xffe3, true],
      [0xffe9, true],
      [0xffbe, true],
      [0xffbe, false],
      [0xffe9, false],
      [0xffe3, false],
    ]);
  });

  it("holds the first paste until the server's clipboard capabilities are known, so UTF-8 survives", async () => {
    vi.useFakeTimers();
    try {
      const { input } = setup(null);
      const fake = fakeRfb();
      const caps: Record<string, boolean> = {};
      Object.assign(fake.rfb, { _clipboardServerCapabilitiesFormats: caps });
      input.attach(fake.rfb, fakeTarget().target);
      fake.emit('connect');
      expect(input.sendClipboard('✓ first')).toBe(true);
      expect(input.sendClipboard('✓ second')).toBe(true);
      await vi.advanceTimersByTimeAsync(200);
      expect(fake.pasted).toEqual([]);
      caps['1'] = true;
      await vi.advanceTimersByTimeAsync(100);
      // Only the latest: it is what the clipboard holds by now.
      expect(fake.pasted).toEqual(['✓ second']);

      // A server that never says goes the old way after a while, rather than never.
      const silent = fakeRfb();
      Object.assign(silent.rfb, { _clipboardServerCapabilitiesFormats: {} });
      input.attach(silent.rfb, fakeTarget().target);
      silent.emit('connect');
      input.sendClipboard('plain');
      await vi.advanceTimersByTimeAsync(CLIPBOARD_CAPS_WAIT_MS + 100);
      expect(silent.pasted).toEqual(['plain']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets go of a connection entirely when it disconnects', async () => {
    const { input, keyboards } = setup('x');
    const { rfb, emit, count, pasted } = fakeRfb();
    input.attach(rfb, fakeTarget().target);
    expect(keyboards()).toBe(1);
    emit('connect');
    emit('disconnect');
    expect(keyboards()).toBe(0);
    expect(count()).toBe(0);
    expect(input.sendClipboard('after')).toBe(false);
    // The read begun on connect ends after the disconnect: nothing goes to a closed connection.
    await settle();
    expect(pasted).toEqual([]);
  });
});
