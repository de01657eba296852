import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTO_HIDE_MS, createAutoHide, REVEAL_EDGE_PX } from './auto-hide';

describe('toolbar auto-hide', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const changes: boolean[] = [];
    const hide = createAutoHide({ onChange: (v) => changes.push(v) });
    return { hide, changes };
  }

  it('shows at first and hides after the delay', () => {
    const { hide, changes } = setup();
    expect(hide.visible).toBe(true);
    vi.advanceTimersByTime(AUTO_HIDE_MS - 1);
    expect(hide.visible).toBe(true);
    vi.advanceTimersByTime(1);
    expect(hide.visible).toBe(false);
    expect(changes).toEqual([false]);
  });

  it('comes back near the top edge and stays while the pointer is there', () => {
    const { hide } = setup();
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    hide.pointerAt(400);
    expect(hide.visible).toBe(false);
    hide.pointerAt(REVEAL_EDGE_PX);
    expect(hide.visible).toBe(true);
    vi.advanceTimersByTime(AUTO_HIDE_MS * 5);
    expect(hide.visible).toBe(true);
    hide.pointerAt(300);
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    expect(hide.visible).toBe(false);
  });

  it('does not restart the countdown for moves over the desktop', () => {
    const { hide } = setup();
    vi.advanceTimersByTime(AUTO_HIDE_MS - 100);
    hide.pointerAt(300);
    vi.advanceTimersByTime(100);
    expect(hide.visible).toBe(false);
  });

  it('stays while it has keyboard focus or an open menu', () => {
    const { hide } = setup();
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    hide.focusWithin(true);
    expect(hide.visible).toBe(true);
    hide.hold(true);
    hide.focusWithin(false);
    vi.advanceTimersByTime(AUTO_HIDE_MS * 2);
    expect(hide.visible).toBe(true);
    hide.hold(false);
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    expect(hide.visible).toBe(false);
  });

  it('hides after the pointer leaves the window from the top edge', () => {
    const { hide } = setup();
    hide.pointerAt(5);
    hide.pointerLeft();
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    expect(hide.visible).toBe(false);
  });

  it('reveals for one delay, and reports nothing once disposed', () => {
    const { hide, changes } = setup();
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    hide.reveal();
    expect(changes).toEqual([false, true]);
    hide.dispose();
    vi.advanceTimersByTime(AUTO_HIDE_MS);
    expect(changes).toEqual([false, true]);
  });
});
