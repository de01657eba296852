import { describe, expect, it } from 'vitest';
import { endEverySession, sessionReaches, signedInApi } from '../support/session-api';
import { useStackWithChromium } from '../support/stack-with-chromium';
import { launchFromDashboard, openConnectedViewer, signIn, viewerStatusIs } from './steps';

const PASSWORD = 'e2e-idle-password';
// 9 s of idle: the warning comes 4.5 s ahead (half the period, as it is shorter than two minutes).
const IDLE_MINUTES = '0.15';

describe('idle hibernation in Chromium: an open viewer without input idles, with a warning first', () => {
  const env = useStackWithChromium(
    { STREAMSPACE_ADMIN_PASSWORD: PASSWORD, STREAMSPACE_IDLE_HIBERNATE_MINUTES: IDLE_MINUTES },
    async (stack) => endEverySession((await signedInApi(stack.url, PASSWORD)).api),
  );

  it('warns in the viewer, keeps the session on input, and hibernates it once input stops', {
    timeout: 120_000,
  }, async () => {
    const { stack, browser } = env;
    const { api } = await signedInApi(stack.url, PASSWORD);
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await signIn(page, stack.url, PASSWORD);
    const name = await launchFromDashboard(page);
    const viewer = await openConnectedViewer(context, page, name);

    // Nobody touches the viewer: the warning shows over the screen, counting down.
    const banner = viewer.getByTestId('idle-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/hibernates (in \d+ s|now)\. Press a key or move the mouse/);

    // A pointer move over the screen is use: the warning goes and the session keeps running
    // past the time it named.
    const box = await viewer.getByTestId('viewer-screen').boundingBox();
    if (!box) throw new Error('no viewer screen');
    await viewer.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await viewer.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect((await api.getSession({ params: { name } })).state).toBe('running');

    // Then no more input: warned again, and hibernated; the viewer says so.
    await banner.waitFor({ timeout: 20_000 });
    await sessionReaches(api, name, 'hibernated', 30_000);
    await viewerStatusIs(viewer, 'hibernated', 20_000);
    expect(await banner.count()).toBe(0);
    const audit = await api.audit();
    expect(
      audit.entries.filter((e) => e.action === 'session.idle_hibernate' && e.target === name),
    ).toHaveLength(1);
    await context.close();
  });
});
