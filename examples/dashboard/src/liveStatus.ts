import { useSyncExternalStore } from 'react';

export type LiveState = 'connecting' | 'live' | 'offline';

/** The graphql-ws connection's state, and how often it has (re)connected. */
function createLiveStatus() {
  let state: LiveState = 'connecting';
  let connections = 0;
  const listeners = new Set<() => void>();
  return {
    set: (next: LiveState) => {
      if (next === 'live') connections += 1;
      if (next === state && next !== 'live') return;
      state = next;
      listeners.forEach((listener) => listener());
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    state: () => state,
    connections: () => connections,
  };
}

export const liveStatus = createLiveStatus();

export function useLiveState(): LiveState {
  return useSyncExternalStore(liveStatus.subscribe, liveStatus.state);
}

/** Grows by one at every (re)connection: changes may have been missed while it was down. */
export function useConnectionCount(): number {
  return useSyncExternalStore(liveStatus.subscribe, liveStatus.connections);
}
