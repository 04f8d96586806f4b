/**
 * Where the gateway is and how to talk to it. Build time: VITE_GATEWAY_URL, VITE_PERSISTED,
 * VITE_API_KEY, VITE_REFRESH_SECONDS (see README). At run time a server may set
 * `window.__DASHBOARD_CONFIG__ = { gatewayUrl }` before the bundle loads (scripts/dashboard.mjs
 * does), so one build can be served against any gateway.
 */
export type PersistedMode = 'only' | 'preferred' | 'off';

export interface DashboardConfig {
  /** The gateway's GraphQL endpoint over HTTP(S), absolute or relative to the page. */
  httpUrl: string;
  /** The same endpoint for graphql-ws (ws: or wss:). */
  wsUrl: string;
  /**
   * only: send document hashes and never a query text (the gateway's allow-list mode);
   * preferred (default): the hash first, the text when the gateway does not know the hash;
   * off: query texts only.
   */
  persisted: PersistedMode;
  /** Sent as `x-api-key` and in the graphql-ws `connection_init` payload. */
  apiKey: string | undefined;
  /** Background refresh of counts, sources and the visible page (0: only after live changes). */
  refreshSeconds: number;
}

declare global {
  interface Window {
    __DASHBOARD_CONFIG__?: { gatewayUrl?: string };
  }
}

const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000/graphql';

function persistedMode(value: string | undefined): PersistedMode {
  if (value === undefined || value === '' || value === 'preferred') return 'preferred';
  if (value === 'only' || value === 'off') return value;
  throw new Error(`VITE_PERSISTED must be "only", "preferred" or "off", not "${value}"`);
}

export function readConfig(): DashboardConfig {
  const env = import.meta.env;
  const configured = window.__DASHBOARD_CONFIG__?.gatewayUrl || env.VITE_GATEWAY_URL || DEFAULT_GATEWAY_URL;
  const http = new URL(configured, window.location.href);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  const refresh = Number(env.VITE_REFRESH_SECONDS ?? 15);
  return {
    httpUrl: http.href,
    wsUrl: ws.href,
    persisted: persistedMode(env.VITE_PERSISTED),
    apiKey: env.VITE_API_KEY || undefined,
    refreshSeconds: Number.isFinite(refresh) && refresh >= 0 ? refresh : 15,
  };
}
