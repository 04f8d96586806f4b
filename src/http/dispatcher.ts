import { readFileSync } from 'node:fs';
import { Agent, interceptors, type Dispatcher } from 'undici';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import { callContextOf } from './callContext';
import { attemptDeadline } from './interceptors/attemptDeadline';
import { callMetrics } from './interceptors/callMetrics';
import { traceContext } from './interceptors/traceContext';
import { parseRetryAfter } from './retryAfter';
import { isTlsVerificationError, RETRYABLE_STATUS, type RetryPolicy } from './retryPolicy';

export interface DispatcherOptions {
  sourceId: string;
  vendor: VendorValue;
  caFile?: string;
  insecureSkipVerify?: boolean;
  connections: number;
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  maxResponseBytes: number;
  /** Each attempt as a whole. */
  totalMs: number;
}

/** Answers not worth asking again: the same request gets the same answer. */
const FINAL_ERRORS = new Set(['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_ABORTED']);

/**
 * One source's transport, composed from undici's own pieces: a keep-alive Agent with the source's
 * TLS trust, timeouts and response-size cap; its retry interceptor, deciding through the gateway's
 * retry policy (clock, per-request budget, Retry-After cap, idempotent calls only); its
 * de-duplication of identical GETs in flight; and small interceptors of ours per attempt (trace
 * context, a deadline for the attempt as a whole, metrics and log line). Listed innermost first.
 */
export function createSourceDispatcher(
  options: DispatcherOptions,
  policy: RetryPolicy,
  metrics: GatewayMetrics,
  logger: Logger,
  describe: (err: unknown) => string,
): Dispatcher {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 10_000,
    headersTimeout: options.headersMs,
    bodyTimeout: options.bodyMs,
    maxResponseSize: options.maxResponseBytes,
    connect: {
      ca: options.caFile ? readFileSync(options.caFile, 'utf8') : undefined,
      rejectUnauthorized: !options.insecureSkipVerify,
      timeout: options.connectMs,
    },
  });
  return agent.compose(
    callMetrics({ sourceId: options.sourceId, vendor: options.vendor }, metrics, logger, describe),
    attemptDeadline(options.totalMs),
    traceContext(),
    interceptors.retry({
      // The final answer (a 429 or 5xx after the retries) is handed back to be reported, not thrown.
      throwOnError: false,
      retry(err, { state, opts }, cb) {
        const call = callContextOf(opts);
        const { statusCode, code, headers } = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[] | undefined> };
        const retryable = statusCode != null ? RETRYABLE_STATUS(statusCode) : !isTlsVerificationError(err) && !FINAL_ERRORS.has(code ?? '');
        if (!call?.idempotent || !retryable || call.signal?.aborted) return cb(err);
        const delay = policy.delayMs(state.counter, statusCode != null ? parseRetryAfter(headers?.['retry-after']) : null, call.retryBudget);
        if (delay === null) return cb(err);
        policy.wait(delay, call.signal).then(
          () => cb(null),
          () => cb(err),
        );
      },
    }),
    // Identical GETs in flight share one call, whoever asked (the span id differs per attempt: not part of the key).
    interceptors.deduplicate({ methods: ['GET'], excludeHeaderNames: ['traceparent'] }),
  );
}
