import { describe, expect, it, vi } from 'vitest';
import { createStore } from './tray-store';

describe('createStore', () => {
  it('merges patches and tells subscribers the new and previous state', () => {
    const store = createStore({ count: 0, items: [1] });
    const listener = vi.fn();
    store.subscribe(listener);
    store.set({ count: 1 });
    expect(store.get()).toEqual({ count: 1, items: [1] });
    expect(listener).toHaveBeenCalledWith({ count: 1, items: [1] }, { count: 0, items: [1] });
    store.set((s) => ({ count: s.count + 1 }));
    expect(store.get().count).toBe(2);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('stays quiet when a patch changes nothing, even with fresh but equal arrays', () => {
    const store = createStore({ count: 0, items: [{ a: 1 }] });
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.get();
    store.set({ items: [{ a: 1 }] });
    store.set({ count: 0 });
    expect(listener).not.toHaveBeenCalled();
    expect(store.get()).toBe(before);
    store.set({ items: [{ a: 2 }] });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('stops notifying after unsubscribe, also when a listener unsubscribes another mid-flight', () => {
    const store = createStore({ n: 0 });
    const second = vi.fn();
    let unsubscribeSecond = () => {};
    const first = vi.fn(() => unsubscribeSecond());
    const unsubscribeFirst = store.subscribe(first);
    unsubscribeSecond = store.subscribe(second);
    store.set({ n: 1 });
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    store.set({ n: 2 });
    expect(second).toHaveBeenCalledTimes(1);
    unsubscribeFirst();
    store.set({ n: 3 });
    expect(first).toHaveBeenCalledTimes(2);
  });
});
