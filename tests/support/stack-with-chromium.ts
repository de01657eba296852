import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser';
import { type StackProcess, startStackProcess } from './stack-process';

export interface StackWithChromium {
  /** Set once the describe block's beforeAll has run. */
  readonly stack: StackProcess;
  readonly browser: Browser;
}

/**
 * Registers the describe block's hooks for the built stack and Chromium. `beforeStop` runs after
 * Chromium closes, while the stack still runs (to end its sessions, say).
 */
export function useStackWithChromium(
  env: Record<string, string>,
  beforeStop?: (stack: StackProcess) => Promise<void>,
): StackWithChromium {
  let stack: StackProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    stack = await startStackProcess(env);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (beforeStop && stack && stack.child.exitCode === null) await beforeStop(stack);
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the stack is not started yet');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet');
      return browser;
    },
  };
}
