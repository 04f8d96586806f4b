import { randomBytes, randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CallerAuthError, type Caller, type CallerAuthenticator } from '../auth/callerAuth';
import type { Clock } from '../clock';
import { ErrorCode } from '../errors';
import { checkDocumentText } from '../limits/documentGuard';
import type { Logger } from '../logger';
import { LogThrottle } from '../util/logThrottle';
import { parseTraceparent, requestScope, RetryBudget } from './requestScope';
import { graphqlParamsOf } from './graphqlParams';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An error answer in the GraphQL-over-HTTP shape, for requests refused before GraphQL runs. */
export function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** While shutting down, answers tell clients not to reuse the connection. */
export function closeWhileStopping(stopping: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (stopping()) res.set('connection', 'close');
    next();
  };
}

/**
 * Each request gets its id (an incoming `x-request-id` when well formed, echoed back), its W3C
 * trace (from `traceparent`, or new) and its own upstream retry budget, all visible to the
 * transport through AsyncLocalStorage.
 */
export function requestScopeMiddleware(retryBudgetPerRequest: number): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const trace = parseTraceparent(req.get('traceparent'));
    res.set('x-request-id', requestId);
    requestScope.run(
      {
        retryBudget: new RetryBudget(retryBudgetPerRequest),
        requestId,
        traceId: trace?.traceId ?? randomBytes(16).toString('hex'),
        traceFlags: trace?.flags ?? '01',
      },
      next,
    );
  };
}

/**
 * Caller authentication before any GraphQL work: missing or invalid credentials are HTTP 401 with
 * UNAUTHENTICATED (logged, rate-limited, never with the credential). `callerOf` reads the result.
 */
export function callerAuthentication(
  authenticator: CallerAuthenticator,
  logger: Logger,
  clock: Clock,
): { middleware: RequestHandler; callerOf(req: Request): Caller } {
  const callers = new WeakMap<Request, Caller>();
  const refusedLog = new LogThrottle(20, 10_000, clock);
  const middleware = async (req: Request, res: Response, next: NextFunction) => {
    try {
      callers.set(req, await authenticator.authenticate({ authorization: req.get('authorization'), apiKey: req.get('x-api-key') }));
      next();
    } catch (err) {
      if (!(err instanceof CallerAuthError)) return next(err);
      const admitted = refusedLog.admit();
      if (admitted)
        logger.warn({ requestId: requestScope.getStore()?.requestId, ip: req.ip, reason: err.message, ...admitted }, 'caller authentication failed');
      res.set('www-authenticate', authenticator.mode === 'jwt' ? 'Bearer' : 'ApiKey');
      refuse(res, 401, ErrorCode.UNAUTHENTICATED, err.message);
    }
  };
  return { middleware: (req, res, next) => void middleware(req, res, next), callerOf: (req) => callers.get(req) ?? { id: 'anonymous', role: null } };
}

/**
 * The GraphQL endpoint is its path only: below a mount, Express would hand `/graphql/<anything>`
 * on, and Apollo's integration parses such targets with `url.parse`, which throws on some
 * (`//%zz@h/`) and reads others differently from the WHATWG parser.
 */
export function exactPath(): RequestHandler {
  return (req, res, next) => {
    if (req.path === '/') return next();
    refuse(res, 404, ErrorCode.BAD_REQUEST, 'Not found: GraphQL is served at the endpoint itself, not below it.');
  };
}

/** Bounded before the parser sees it: nesting depth and the operation name's length. */
export function documentGuard(): RequestHandler {
  return (req, res, next) => {
    const params = graphqlParamsOf(req);
    if (params && typeof params.query === 'string') {
      const refusal = checkDocumentText(params.query, params.operationName);
      if (refusal) return refuse(res, 400, String(refusal.extensions.code), refusal.message);
    }
    next();
  };
}

/** Body errors from express.json: malformed JSON is 400, an oversized body 413 (contract §4). */
export function bodyErrors(bodyLimitBytes: number, logger: Logger) {
  return (err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return refuse(res, 400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    if (err.type === 'entity.too.large') return refuse(res, 413, ErrorCode.BAD_REQUEST, `The request body is larger than ${bodyLimitBytes} bytes.`);
    if (err.status && err.status >= 400 && err.status < 500) return refuse(res, err.status, ErrorCode.BAD_REQUEST, 'The request could not be read.');
    logger.error({ err }, 'unhandled error in the HTTP layer');
    next(err);
  };
}
