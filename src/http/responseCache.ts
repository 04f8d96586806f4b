import type { Request, RequestHandler, Response } from 'express';
import type { Caller } from '../auth/callerAuth';
import type { CachedAnswer, ResponseCache } from '../cache/responseCache';
import { recordingReads, ResponseReads } from '../cache/responseReads';
import type { Logger } from '../logger';
import type { GatewayMetrics, OperationLabels } from '../metrics';
import { recordRequest } from '../plugins/requestMetrics';
import { graphqlParamsOf, passesCsrfPrevention, resultTypeOf } from './graphqlParams';

export interface ResponseCacheMiddlewareDeps {
  cache: ResponseCache;
  callerOf(req: Request): Caller;
  /** Who may share a cached GET: anyone (no caller authentication) or only this caller's browser. */
  publicAnswers: boolean;
  metrics: GatewayMetrics;
  labels: OperationLabels;
  logger: Logger;
}

/**
 * The HTTP half of the response cache, just before Apollo: a query whose answer is cached and
 * still current is answered here with the stored bytes (or 304 when a GET's If-None-Match
 * matches); any other request goes to Apollo with a recorder of what its answer reads, and the
 * answer Apollo sends is kept when the recorder and Apollo's half (`plugins/responseCache.ts`)
 * allow it. A cacheable GET carries an ETag and `Cache-Control: no-cache`, so browsers and CDNs
 * revalidate instead of asking again.
 */
export function responseCacheMiddleware(deps: ResponseCacheMiddlewareDeps): RequestHandler {
  const { cache } = deps;
  const cacheControl = deps.publicAnswers ? 'public, no-cache' : 'private, no-cache';

  const serve = (req: Request, res: Response, answer: CachedAnswer, type: string, tier: 'memory' | 'shared', started: bigint, caller: Caller) => {
    const isGet = req.method === 'GET';
    const notModified = isGet && req.get('if-none-match') === answer.etag;
    deps.metrics.responseCacheRequests.inc({ result: notModified ? 'not_modified' : tier === 'memory' ? 'hit' : 'shared_hit' });
    if (isGet) res.set('etag', answer.etag).set('cache-control', cacheControl);
    if (notModified) res.status(304).end();
    else res.status(200).set('content-type', type).send(answer.body);
    recordRequest(deps.metrics, deps.labels, deps.logger, {
      // The operation Apollo resolved when it computed the answer (a request may not name it).
      operationName: answer.operationName,
      type: 'query',
      codes: [],
      hasData: true,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      caller,
      cached: notModified ? 'not_modified' : tier,
      withRequestIds: true,
    });
  };

  const handle = async (req: Request, res: Response, next: (err?: unknown) => void) => {
    const started = process.hrtime.bigint();
    const isGet = req.method === 'GET';
    // The request exactly as Apollo will read it: a cached answer is only ever served for that request.
    const params = graphqlParamsOf(req);
    const type = resultTypeOf(req);
    if (!params || typeof params.query !== 'string' || !type || !passesCsrfPrevention(req)) return next();
    const caller = deps.callerOf(req);
    const operationName = params.operationName ?? null;
    const requestKey = cache.requestKey({ role: caller.role, operationName, query: params.query, variables: params.variables, extensions: params.extensions });
    const found = await cache.lookup(requestKey);
    if (found) return serve(req, res, found.answer, type, found.shared ? 'shared' : 'memory', started, caller);

    const reads = new ResponseReads();
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      res.send = send;
      const kept = res.statusCode === 200 && typeof body === 'string' ? cache.store(requestKey, reads, body) : null;
      deps.metrics.responseCacheRequests.inc({ result: kept ? 'miss' : 'uncacheable' });
      if (!kept) cache.noteUncacheable(requestKey, reads);
      if (kept && isGet) {
        res.set('etag', kept.etag).set('cache-control', cacheControl);
        if (req.get('if-none-match') === kept.etag) return res.status(304).end();
      }
      return send(body);
    };
    recordingReads(reads, () => next());
  };

  return (req, res, next) => {
    handle(req, res, next).catch(next);
  };
}
