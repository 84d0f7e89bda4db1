// The store in React: one store per <App>, provided by context (tests make their own).

import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PlaygroundState, PlaygroundStore } from './store';

const StoreContext = createContext<PlaygroundStore | null>(null);

export function StoreProvider({ store, children }: { store: PlaygroundStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function usePlaygroundStore(): PlaygroundStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePlayground outside <StoreProvider>');
  return store;
}

/** Subscribes to a slice of the store (re-renders when the selected value changes, by Object.is). */
export function usePlayground<T>(selector: (s: PlaygroundState) => T): T {
  return useStore(usePlaygroundStore(), selector);
}

/**
 * The store's actions: functions that never change (read data with usePlayground, not
 * from this object, whose data fields are a snapshot). Stable across renders, so memoised
 * elements that close over an action are not rebuilt at every store update.
 */
export function useActions(): PlaygroundState {
  const store = usePlaygroundStore();
  return useMemo(() => store.getState(), [store]);
}
