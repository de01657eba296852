import { describe, expect, it } from 'vitest';
import { createClipboardHandlers, type SystemClipboard } from './clipboard-handlers';

function fakeClipboard(initial = ''): SystemClipboard & { text: string } {
  return {
    text: initial,
    readText() {
      return this.text;
    },
    writeText(text: string) {
      this.text = text;
    },
  };
}

describe('clipboard IPC handlers', () => {
  it('reads and writes the system clipboard, non-ASCII text intact', async () => {
    const clipboard = fakeClipboard('Grüße — 東京 ✓');
    const handlers = createClipboardHandlers(clipboard);
    expect(await handlers['clipboard:read-text'](undefined)).toBe('Grüße — 東京 ✓');
    await handlers['clipboard:write-text']({ text: 'ñ 𝄞' });
    expect(clipboard.text).toBe('ñ 𝄞');
  });

  it('refuses a clipboard too large to send, with a reason', async () => {
    const handlers = createClipboardHandlers(fakeClipboard('x'.repeat(1_000_001)));
    expect(() => handlers['clipboard:read-text'](undefined)).toThrow(/more text than a session takes/);
  });
});
