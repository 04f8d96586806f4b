import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ErrorCode } from '../errors';
import { refuse } from './middleware';

/** The names a loopback listener answers to; a page on any other name reached it by DNS rebinding. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

function isLoopback(listenHost: string): boolean {
  const host = listenHost.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host name of a Host header, without its port or IPv6 brackets; null when it is not one. */
export function hostNameOf(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const { hostname } = new URL(`http://${header}`);
    return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Which Host headers the gateway answers: `server.allowedHosts` when set; the loopback names when
 * it listens on loopback only (a DNS-rebinding page sends its own name); otherwise any.
 */
export function hostMatcher(allowedHosts: readonly string[] | undefined, listenHost: string): ((req: IncomingMessage) => boolean) | null {
  const names = allowedHosts ?? (isLoopback(listenHost) ? LOOPBACK_NAMES : null);
  if (!names) return null;
  const allowed = new Set(names.map((name) => name.toLowerCase().replace(/^\[(.*)\]$/, '$1')));
  return (req) => {
    const name = hostNameOf(req.headers.host);
    return name !== null && allowed.has(name);
  };
}

/** Refuses requests for another host name with 403 before anything reads them. */
export function hostCheck(permitted: (req: IncomingMessage) => boolean): RequestHandler {
  return (req, res, next) => {
    if (permitted(req)) return next();
    refuse(res, 403, ErrorCode.BAD_REQUEST, `The Host header names a host this gateway does not answer for (server.allowedHosts).`);
  };
}
