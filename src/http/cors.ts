import corsMiddleware from 'cors';
import type { RequestHandler } from 'express';
import type { GatewayConfig } from '../config';

type CorsConfig = NonNullable<GatewayConfig['server']['cors']>;

/**
 * Whether a browser page's origin may call the gateway: an exact origin, an origin with any port
 * (`http://localhost:*`), or every origin ("*"). Shared by HTTP (CORS) and WebSocket (Origin check).
 */
export function originMatcher(origins: CorsConfig['origins']): (origin: string | undefined) => boolean {
  if (origins === '*') return () => true;
  const exact = new Set(origins.filter((o) => !o.endsWith(':*')).map((o) => o.toLowerCase()));
  const anyPort = origins.filter((o) => o.endsWith(':*')).map((o) => o.slice(0, -2).toLowerCase());
  return (origin) => {
    if (!origin) return false;
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    return anyPort.some((base) => o === base || (o.startsWith(`${base}:`) && /^\d{1,5}$/.test(o.slice(base.length + 1))));
  };
}

/**
 * CORS for /graphql with a well-kept library (`cors`): answered before CSRF prevention and
 * caller authentication (a preflight carries no credentials); only allowed origins get
 * `Access-Control-Allow-Origin` (echoed, with `Vary: Origin`); credentials never with "*".
 */
export function corsFor(config: CorsConfig): RequestHandler {
  const allowed = originMatcher(config.origins);
  return corsMiddleware({
    origin: config.origins === '*' && !config.credentials ? '*' : (origin, callback) => callback(null, allowed(origin)),
    credentials: config.credentials,
    maxAge: config.maxAgeSeconds,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'x-api-key',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'x-request-id',
      'traceparent',
      'if-none-match',
    ],
    exposedHeaders: ['x-request-id', 'etag'],
    optionsSuccessStatus: 204,
  });
}
