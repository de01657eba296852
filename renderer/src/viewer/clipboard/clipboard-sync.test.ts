import { describe, expect, it } from 'vitest';
import { createClipboardSync, type LocalClipboard, MAX_CLIPBOARD_CHARS } from './clipboard-sync';
import { browserClipboard } from './local-clipboard';

function fakeLocal(initial: string | null = ''): LocalClipboard & { text: string | null; writes: string[] } {
  return {
    text: initial,
    writes: [],
    async read() {
      return this.text;
    },
    async write(text) {
      this.writes.push(text);
      this.text = text;
      return true;
    },
  };
}

function fakeRemote() {
  const pasted: string[] = [];
  return { pasted, paste: (text: string) => void pasted.push(text) };
}

describe('clipboard sync', () => {
  it("copies the session's clipboard here, UTF-8 intact, and does not send it back", async () => {
    const local = fakeLocal('old');
    const remote = fakeRemote();
    const sync = createClipboardSync(local);
    sync.setRemote(remote);
    await sync.remoteChanged('Grüße — 東京 ✓');
    expect(local.writes).toEqual(['Grüße — 東京 ✓']);
    await sync.localMaybeChanged();
    expect(remote.pasted).toEqual([]);
  });

  it('offers a local copy to the session once per change', async () => {
    const local = fakeLocal('from here ✓');
    const remote = fakeRemote();
    const sync = createClipboardSync(local);
    await sync.localMaybeChanged();
    expect(remote.pasted).toEqual([]);
    sync.setRemote(remote);
    await sync.localMaybeChanged();
    await sync.localMaybeChanged();
    expect(remote.pasted).toEqual(['from here ✓']);
    local.text = 'again';
    await sync.localMaybeChanged();
    expect(remote.pasted).toEqual(['from here ✓', 'again']);
    // A reconnected session gets it anew.
    const next = fakeRemote();
    sync.setRemote(next);
    await sync.localMaybeChanged();
    expect(next.pasted).toEqual(['again']);
  });

  it('asks for the paste box when the clipboard cannot be read or written, and sends what it gets', async () => {
    const local = fakeLocal(null);
    local.write = async () => false;
    const remote = fakeRemote();
    const sync = createClipboardSync(local);
    sync.setRemote(remote);
    expect(sync.needsPasteBox).toBe(false);
    await sync.localMaybeChanged();
    expect(sync.needsPasteBox).toBe(true);
    sync.send('pasted by hand');
    expect(remote.pasted).toEqual(['pasted by hand']);
  });

  it('never sends an empty or oversized clipboard', async () => {
    const local = fakeLocal('');
    const remote = fakeRemote();
    const sync = createClipboardSync(local);
    sync.setRemote(remote);
    await sync.localMaybeChanged();
    local.text = 'x'.repeat(MAX_CLIPBOARD_CHARS + 1);
    await sync.localMaybeChanged();
    expect(remote.pasted).toEqual([]);
  });

  it('survives a clipboard that throws', async () => {
    const sync = createClipboardSync({
      read: () => Promise.reject(new Error('denied')),
      write: () => Promise.reject(new Error('denied')),
    });
    sync.setRemote(fakeRemote());
    await sync.localMaybeChanged();
    await sync.remoteChanged('x');
    expect(sync.needsPasteBox).toBe(true);
  });
});

describe('the browser clipboard', () => {
  const api = (text: string) => ({
    readText: async () => text,
    writeText: async (_: string) => {},
  });

  it('reads only where reading is granted and the page has focus, so it never prompts on focus', async () => {
    const granted = browserClipboard({
      clipboard: api('hi'),
      permission: async () => 'granted',
      hasFocus: () => true,
    });
    expect(await granted.read()).toBe('hi');
    const prompt = browserClipboard({
      clipboard: api('hi'),
      permission: async () => 'prompt',
      hasFocus: () => true,
    });
    expect(await prompt.read()).toBeNull();
    const unfocused = browserClipboard({
      clipboard: api('hi'),
      permission: async () => 'granted',
      hasFocus: () => false,
    });
    expect(await unfocused.read()).toBeNull();
    expect(await browserClipboard({ clipboard: undefined, hasFocus: () => true }).read()).toBeNull();
  });

  it('says whether a write was taken', async () => {
    const refusing = browserClipboard({
      clipboard: { readText: async () => '', writeText: () => Promise.reject(new Error('not focused')) },
      hasFocus: () => true,
    });
    expect(await refusing.write('x')).toBe(false);
    expect(await browserClipboard({ clipboard: api(''), hasFocus: () => true }).write('x')).toBe(true);
  });
});
