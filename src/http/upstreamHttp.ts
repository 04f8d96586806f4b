import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { ErrorCode, UpstreamError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import type { SourceHealthTracker } from '../upstreams/health';
import type { Logger } from '../logger';
import type { Clock } from '../clock';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuitBreaker';
import { randomBytes } from 'node:crypto';
import { requestScope, takeRetry } from './requestScope';
import { parseRetryAfter } from './retryAfter';

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

/** Timeouts per source (contract: connect, first byte, whole request), with sane defaults. */
export interface UpstreamTimeouts {
  connectMs: number;
  /** Until the response headers (first byte). */
  headersMs: number;
  /** Longest silence between body chunks. */
  bodyMs: number;
  /** The whole request, body included. */
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

/** Node's certificate verification error codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ...). */
function isTlsVerificationError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return typeof code === 'string' && /CERT|SELF_SIGNED|VERIFY|ISSUER|SIGNATURE|TLS|SSL/.test(code);
}

const CIRCUIT_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * Transport policy for one source, in one place: a keep-alive undici Agent with the source's TLS
 * trust and timeouts, a response-size cap, a circuit breaker, one token renewal on 401, and
 * retries with backoff and jitter (honouring Retry-After, within the request's retry budget) for
 * idempotent calls only. Every outcome feeds the source's health, its breaker and the metrics;
 * no error message carries an upstream body or a credential.
 */
export class UpstreamHttp {
  readonly breaker: CircuitBreaker;
  private readonly agent: Agent;
  private readonly timeouts: UpstreamTimeouts;
  private readonly maxResponseBytes: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterSeconds: number;

  constructor(
    private readonly options: UpstreamHttpOptions,
    private readonly metrics: GatewayMetrics,
    private readonly health: SourceHealthTracker,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.timeouts = options.timeouts;
    if (options.insecureSkipVerify) logger.warn({ source: options.sourceId }, 'TLS verification is off for this source (tls.insecureSkipVerify): its certificate is not checked');
    const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 10_000,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      connect: { ca, rejectUnauthorized: !options.insecureSkipVerify, timeout: this.timeouts.connectMs },
    });
    this.maxResponseBytes = options.maxResponseBytes;
    this.maxRetries = options.maxRetries;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds;
    this.breaker = new CircuitBreaker(options.circuitBreaker, clock, (state) => {
      metrics.circuitState.set({ source: options.sourceId, vendor: options.vendor }, CIRCUIT_VALUE[state]);
      if (state !== 'closed') logger.warn({ source: options.sourceId, circuit: state }, 'circuit breaker state changed');
    });
    health.watchCircuit(() => this.breaker.state);
  }

  private readonly inFlight = new Map<string, Promise<UpstreamAnswer>>();

  /**
   * One call with the source's policy. Identical GETs already in flight (from any concurrent
   * GraphQL request) share that call's answer instead of going out again.
   */
  call(call: UpstreamCall): Promise<UpstreamAnswer> {
    if (call.method !== 'GET' || !call.idempotent) return this.callWithPolicy(call);
    const key = `${call.url}\n${JSON.stringify(call.headers ?? {})}`;
    const pending = this.inFlight.get(key);
    if (pending) {
      this.metrics.cacheRequests.inc({ cache: 'inflight', result: 'hit' });
      return pending;
    }
    const promise = this.callWithPolicy(call).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async callWithPolicy(call: UpstreamCall): Promise<UpstreamAnswer> {
    if (!call.withinAdmittedCall) this.breaker.admit();
    let attempt = 0;
    let renewedToken = false;
    const retry = async (waitMs: number) => {
      if (!call.idempotent || attempt >= this.maxRetries || !takeRetry()) return false;
      attempt++;
      await this.clock.sleep(waitMs, call.signal);
      return true;
    };
    for (;;) {
      let token: string | undefined;
      let answer: UpstreamAnswer;
      try {
        token = call.auth ? await call.auth.getToken() : undefined;
        answer = await this.once(call, token);
      } catch (err) {
        // Cancelled by us (a syncer stopping): not the upstream's fault, nothing recorded.
        if (call.signal?.aborted) throw call.signal.reason;
        if (err instanceof UpstreamError && err.code !== ErrorCode.UPSTREAM_UNAVAILABLE) {
          // A token failure (credentials refused) was already reported where it happened.
          throw err;
        }
        const failure = err instanceof UpstreamError ? err : this.unavailable(this.describeTransportError(err));
        // A certificate that fails verification fails the same way next time: no retry.
        if (!isTlsVerificationError(err) && (await retry(this.backoffMs(attempt + 1)))) continue;
        throw this.failed(failure, true);
      }
      const { status } = answer;
      if (status === 401 && call.auth && token !== undefined) {
        if (!renewedToken) {
          // The token may have expired early or been revoked: renew once and try once more.
          renewedToken = true;
          call.auth.invalidate(token);
          continue;
        }
        throw this.failed(new UpstreamError(ErrorCode.UPSTREAM_AUTH_FAILED, `${this.label()} refused the gateway's credentials.`, this.ext({ upstreamStatus: 401 })), true);
      }
      if (status === 429) {
        const retryAfter = parseRetryAfter(answer.headers['retry-after']);
        if ((retryAfter ?? 0) <= this.maxRetryAfterSeconds && (await retry(retryAfter !== null ? retryAfter * 1000 : this.backoffMs(attempt + 1)))) continue;
        throw this.failed(new UpstreamError(ErrorCode.UPSTREAM_THROTTLED, `${this.label()} is throttling requests.`, this.ext({ retryAfterSeconds: retryAfter ?? 1 })), false);
      }
      if (status >= 500) {
        if (await retry(this.backoffMs(attempt + 1))) continue;
        throw this.failed(this.unavailable(`answered HTTP ${status}`, status), true);
      }
      // Any other answer means the upstream is there: the breaker closes (a half-open probe
      // answered 404 resolves too). A token request answered 4xx is the exception: its caller
      // decides, because refused credentials are a failure of the source.
      if (status < 400 || !call.withinAdmittedCall) this.succeeded();
      if (status >= 400 && !(call.acceptStatuses ?? []).includes(status)) {
        const upstreamCode = this.options.upstreamCodeOf(answer.json);
        throw new UpstreamError(ErrorCode.UPSTREAM_ERROR, `${this.label()} refused the request (HTTP ${status}${upstreamCode ? `, ${upstreamCode}` : ''}).`, this.ext({ upstreamStatus: status, upstreamCode }));
      }
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
    await this.agent.destroy();
  }

  private succeeded(): void {
    this.health.recordSuccess();
    this.breaker.success();
  }

  private async once(call: UpstreamCall, token: string | undefined): Promise<UpstreamAnswer> {
    const url = new URL(call.url);
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    // Each upstream call is a span of the caller's trace: its id goes upstream and into the log.
    const scope = requestScope.getStore();
    const callId = randomBytes(8).toString('hex');
    if (scope) headers.traceparent = `00-${scope.traceId}-${callId}-${scope.traceFlags}`;
    const started = process.hrtime.bigint();
    const labels = { source: this.options.sourceId, vendor: this.options.vendor, route: call.route };
    let status = 'error';
    try {
      const extraMs = (call.longPollSeconds ?? 0) * 1000;
      const deadline = AbortSignal.timeout(this.timeouts.totalMs + extraMs);
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: call.method,
        headers,
        body: call.body,
        headersTimeout: this.timeouts.headersMs + extraMs,
        signal: call.signal ? AbortSignal.any([deadline, call.signal]) : deadline,
      });
      status = String(res.statusCode);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
        res.body.destroy();
        throw this.unavailable(`sent an answer larger than ${this.maxResponseBytes} bytes`, res.statusCode);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxResponseBytes) {
          res.body.destroy();
          throw this.unavailable(`sent an answer larger than ${this.maxResponseBytes} bytes`, res.statusCode);
        }
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = String(res.headers['content-type'] ?? '');
      let json: unknown;
      if (text.length > 0 && contentType.includes('json')) {
        try {
          json = JSON.parse(text);
        } catch {
          if (res.statusCode < 400) throw this.unavailable('sent malformed JSON', res.statusCode);
        }
      } else if (text.length > 0 && res.statusCode < 300) {
        throw this.unavailable(`answered with content type '${contentType.split(';')[0] || 'none'}' instead of JSON`, res.statusCode);
      }
      return { status: res.statusCode, headers: res.headers, json };
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.upstreamRequests.inc({ ...labels, status });
      this.metrics.upstreamDuration.observe(labels, seconds);
      const line = { requestId: scope?.requestId, traceId: scope?.traceId, callId, source: this.options.sourceId, route: call.route, status, ms: Math.round(seconds * 1000) };
      if (status === 'error' || Number(status) >= 500 || Number(status) === 429) this.logger.warn(line, 'upstream call failed');
      else this.logger.debug(line, 'upstream call');
    }
  }

  private backoffMs(attempt: number): number {
    // Exponential with full jitter, so replicas retrying together spread out.
    return Math.random() * Math.min(2000, 100 * 2 ** attempt);
  }

  private label(): string {
    return `Source '${this.options.sourceId}'`;
  }

  private ext(extra: { upstreamStatus?: number; upstreamCode?: string; retryAfterSeconds?: number } = {}) {
    return { sourceId: this.options.sourceId, vendor: this.options.vendor, ...extra };
  }

  private unavailable(what: string, upstreamStatus?: number): UpstreamError {
    return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `${this.label()} is unavailable: it ${what}.`, this.ext(upstreamStatus !== undefined ? { upstreamStatus } : {}));
  }

  private describeTransportError(err: unknown): string {
    const name = (err as { name?: string }).name;
    const code = (err as { code?: string }).code;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_ABORTED') return `did not finish answering within ${this.timeouts.totalMs} ms`;
    switch (code) {
      case 'ECONNREFUSED':
        return 'refused the connection';
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
        return 'dropped the connection';
      case 'UND_ERR_CONNECT_TIMEOUT':
        return 'did not accept a connection in time';
      case 'UND_ERR_HEADERS_TIMEOUT':
        return `did not start answering within ${this.timeouts.headersMs} ms`;
      case 'UND_ERR_BODY_TIMEOUT':
        return `stalled for more than ${this.timeouts.bodyMs} ms while answering`;
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return 'sent a truncated answer';
      case 'ENOTFOUND':
        return 'could not be resolved';
      default:
        if (isTlsVerificationError(err)) return `failed TLS verification (${code})`;
        return `could not be reached${code ? ` (${code})` : ''}`;
    }
  }
}
