import type { Page } from 'playwright-core';
import { eventually } from '../support/eventually';

/** Reads the viewer's noVNC canvas and counts the xterm template's background and lit pixels. */
export async function canvasStats(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="viewer-screen"] canvas') as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0) return null;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let background = 0;
    let bright = 0;
    const pixels = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      // The xterm template paints #101418 with #e6e6e6 text.
      if (Math.abs(r - 0x10) < 6 && Math.abs(g - 0x14) < 6 && Math.abs(b - 0x18) < 6) background++;
      if (r > 180 && g > 180 && b > 180) bright++;
    }
    return { width: canvas.width, height: canvas.height, pixels, background, bright };
  });
}

export type CanvasStats = NonNullable<Awaited<ReturnType<typeof canvasStats>>>;

/** Waits until the canvas shows the terminal: its background fills the screen, its prompt is lit. */
export function terminalOnCanvas(viewer: Page, what = 'the terminal on the canvas'): Promise<CanvasStats> {
  return eventually(
    async () => {
      const s = await canvasStats(viewer);
      return s && s.background > s.pixels * 0.2 && s.bright > 30 ? s : null;
    },
    30_000,
    what,
  );
}

/** Types a long line into the terminal and waits until it lights up many more pixels than `before`. */
export async function typeIntoTerminal(viewer: Page, before: CanvasStats): Promise<CanvasStats> {
  await viewer.getByTestId('viewer-screen').click();
  await viewer.keyboard.type(`echo ${'W'.repeat(60)}`, { delay: 5 });
  await viewer.keyboard.press('Enter');
  return eventually(
    async () => {
      const s = await canvasStats(viewer);
      return s && s.bright > before.bright + 400 ? s : null;
    },
    20_000,
    'typed text on the canvas',
  );
}
