import type { Dispatcher } from 'undici';
import type { Clock } from '../clock';
import { ErrorCode, UpstreamError, upstreamError, type SourceRef } from '../errors';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import type { SourceHealthTracker } from '../upstreams/health';
import type { CallContext } from './callContext';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuitBreaker';
import { createSourceDispatcher } from './dispatcher';
import { requestScope } from './requestScope';
import { parseRetryAfter } from './retryAfter';
import { isTlsVerificationError, RetryPolicy } from './retryPolicy';

/** Hands out a bearer token for a source, renewing it as needed. */
export interface TokenProvider {
  getToken(): Promise<string>;
  /** Drops a token the upstream refused (401), so the next getToken renews. */
  invalidate(token: string): void;
}

export interface UpstreamCall {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Absolute URL. */
  url: string;
  /** Low-cardinality name for metrics and logs, e.g. `GET /RestoreSessions/{id}`. */
  route: string;
  headers?: Record<string, string>;
  body?: string;
  /** Safe to send again: reads (and Graph `$batch` of reads). Writes are never retried. */
  idempotent: boolean;
  auth?: TokenProvider;
  /** Statuses that are answers rather than failures (404 for "gone"). */
  acceptStatuses?: readonly number[];
  /** Cancels the call (a component stopping); a cancelled call is not an upstream failure. */
  signal?: AbortSignal;
  /** A long poll: the upstream may hold the answer this long, so the first-byte and total timeouts stretch by it. */
  longPollSeconds?: number;
  /**
   * Part of a call the breaker already admitted (a token request made for it): it must not take
   * the half-open probe slot from its own parent. Its failures still count.
   */
  withinAdmittedCall?: boolean;
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** Timeouts per source (contract: connect, first byte, body silence, the whole call). */
export interface UpstreamTimeouts {
  connectMs: number;
  /** Until the response headers (first byte). */
  headersMs: number;
  /** Longest silence between body chunks. */
  bodyMs: number;
  /** One attempt as a whole (connect, first byte, body). */
  totalMs: number;
}

export interface UpstreamHttpOptions {
  sourceId: string;
  vendor: VendorValue;
  caFile?: string;
  insecureSkipVerify?: boolean;
  timeouts: UpstreamTimeouts;
  connections: number;
  maxResponseBytes: number;
  /** Retries of one idempotent call (each also needs the request's retry budget). */
  maxRetries: number;
  /** Longest Retry-After the gateway waits out inside one request, in seconds. */
  maxRetryAfterSeconds: number;
  circuitBreaker: CircuitBreakerOptions;
  /** Reads the vendor's error code from an error body (Graph `error.code`, Veeam `errorCode`). */
  upstreamCodeOf: (body: unknown) => string | undefined;
}

const CIRCUIT_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * One source's upstream client. The transport (retries, de-duplication, trace context, metrics,
 * size cap, timeouts) is the composed undici dispatcher; around each logical call this adds what
 * concerns the source as a whole: the circuit breaker, the bearer token with one renewal on a
 * 401, the reading and parsing of the answer, and the contract's error for each failure, which
 * also feeds the source's health. No error message carries an upstream body or a credential.
 */
export class UpstreamHttp {
  readonly breaker: CircuitBreaker;
  /** The retry policy this source's calls follow (also used for single `$batch` items). */
  readonly retryPolicy: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly source: SourceRef;

  constructor(
    private readonly options: UpstreamHttpOptions,
    metrics: GatewayMetrics,
    private readonly health: SourceHealthTracker,
    logger: Logger,
    clock: Clock,
  ) {
    this.source = { id: options.sourceId, vendor: options.vendor };
    if (options.insecureSkipVerify)
      logger.warn({ source: options.sourceId }, 'TLS verification is off for this source (tls.insecureSkipVerify): its certificate is not checked');
    this.retryPolicy = new RetryPolicy({ maxRetries: options.maxRetries, maxRetryAfterSeconds: options.maxRetryAfterSeconds }, clock);
    this.dispatcher = createSourceDispatcher({ ...options, ...options.timeouts }, this.retryPolicy, metrics, logger, (err) => this.describeTransportError(err));
    this.breaker = new CircuitBreaker(options.circuitBreaker, clock, (state) => {
      metrics.circuitState.set({ source: options.sourceId, vendor: options.vendor }, CIRCUIT_VALUE[state]);
      if (state !== 'closed') logger.warn({ source: options.sourceId, circuit: state }, 'circuit breaker state changed');
    });
    health.watchCircuit(() => this.breaker.state);
  }

  /** One logical call with the source's policy; identical GETs in flight share one answer. */
  async call(call: UpstreamCall): Promise<UpstreamAnswer> {
    if (!call.withinAdmittedCall) this.breaker.admit();
    let renewedToken = false;
    for (;;) {
      let token: string | undefined;
      let answer: UpstreamAnswer;
      try {
        token = call.auth ? await call.auth.getToken() : undefined;
        answer = await this.send(call, token);
      } catch (err) {
        // Cancelled by us (a syncer stopping): not the upstream's fault, nothing recorded.
        if (call.signal?.aborted) throw call.signal.reason;
        // A token failure (credentials refused) was already reported where it happened.
        if (err instanceof UpstreamError && err.code !== ErrorCode.UPSTREAM_UNAVAILABLE) throw err;
        throw this.failed(err instanceof UpstreamError ? err : upstreamError.unavailable(this.source, this.describeTransportError(err)), true);
      }
      const { status } = answer;
      if (status === 401 && call.auth && token !== undefined) {
        if (!renewedToken) {
          // The token may have expired early or been revoked: renew once and try once more.
          renewedToken = true;
          call.auth.invalidate(token);
          continue;
        }
        throw this.failed(upstreamError.authFailed(this.source, { upstreamStatus: 401 }), true);
      }
      // 429 and 5xx here are what remained after the transport's retries.
      if (status === 429) throw this.failed(upstreamError.throttled(this.source, parseRetryAfter(answer.headers['retry-after']) ?? 1), false);
      if (status >= 500) throw this.failed(upstreamError.unavailable(this.source, `answered HTTP ${status}`, status), true);
      // Any other answer means the upstream is there: the breaker closes (a half-open probe
      // answered 404 resolves too). A token request answered 4xx is the exception: its caller
      // decides, because refused credentials are a failure of the source.
      if (status < 400 || !call.withinAdmittedCall) this.succeeded();
      if (status >= 400 && !(call.acceptStatuses ?? []).includes(status))
        throw upstreamError.refused(this.source, status, this.options.upstreamCodeOf(answer.json));
      return answer;
    }
  }

  /** Records a failure found outside `call` (a token endpoint refusing the credentials). */
  failed(error: UpstreamError, down: boolean): UpstreamError {
    this.health.recordFailure(error.message, down);
    this.breaker.failure(error);
    return error;
  }

  /** Ends the pool at once: by now the server has drained, and what is still in flight is cut. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private succeeded(): void {
    this.health.recordSuccess();
    this.breaker.success();
  }

  /** Sends the call through the composed dispatcher and reads its answer (JSON where it is JSON). */
  private async send(call: UpstreamCall, token: string | undefined): Promise<UpstreamAnswer> {
    const url = new URL(call.url);
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const scope = requestScope.getStore();
    const context: CallContext = {
      route: call.route,
      idempotent: call.idempotent,
      retryBudget: scope?.retryBudget,
      trace: scope ? { traceId: scope.traceId, flags: scope.traceFlags, requestId: scope.requestId } : undefined,
      signal: call.signal,
      longPollMs: (call.longPollSeconds ?? 0) * 1000,
    };
    const request = {
      origin: url.origin,
      path: url.pathname + url.search,
      method: call.method,
      headers,
      body: call.body,
      headersTimeout: this.options.timeouts.headersMs + (context.longPollMs ?? 0),
      signal: call.signal,
      gateway: context,
    };
    const res = await this.dispatcher.request(request);
    const text = await res.body.text();
    const contentType = String(res.headers['content-type'] ?? '');
    let json: unknown;
    if (text.length > 0 && contentType.includes('json')) {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.statusCode < 400) throw upstreamError.unavailable(this.source, 'sent malformed JSON', res.statusCode);
      }
    } else if (text.length > 0 && res.statusCode < 300) {
      throw upstreamError.unavailable(this.source, `answered with content type '${contentType.split(';')[0] || 'none'}' instead of JSON`, res.statusCode);
    }
    return { status: res.statusCode, headers: res.headers, json };
  }

  private describeTransportError(err: unknown): string {
    if (err instanceof UpstreamError) return err.message;
    const name = (err as { name?: string }).name;
    const code = (err as { code?: string }).code;
    const { timeouts } = this.options;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_ABORTED') return `did not finish answering within ${timeouts.totalMs} ms`;
    switch (code) {
      case 'ECONNREFUSED':
        return 'refused the connection';
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
        return 'dropped the connection';
      case 'UND_ERR_CONNECT_TIMEOUT':
        return 'did not accept a connection in time';
      case 'UND_ERR_HEADERS_TIMEOUT':
        return `did not start answering within ${timeouts.headersMs} ms`;
      case 'UND_ERR_BODY_TIMEOUT':
        return `stalled for more than ${timeouts.bodyMs} ms while answering`;
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return 'sent a truncated answer';
      case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
        return `sent an answer larger than ${this.options.maxResponseBytes} bytes`;
      case 'ENOTFOUND':
        return 'could not be resolved';
      default:
        if (isTlsVerificationError(err)) return `failed TLS verification (${code})`;
        return `could not be reached${code ? ` (${code})` : ''}`;
    }
  }
}
