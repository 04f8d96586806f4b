import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { ErrorCode, UpstreamError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import type { SourceHealthTracker } from '../sources/health';
import type { Logger } from '../logger';
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
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

export interface UpstreamHttpOptions {
  sourceId: string;
  vendor: VendorValue;
  caFile?: string;
  insecureSkipVerify?: boolean;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  connections?: number;
  maxResponseBytes?: number;
  maxRetries?: number;
  /** Longest Retry-After the gateway waits out inside one request, in seconds. */
  maxRetryAfterSeconds?: number;
  /** Reads the vendor's error code from an error body (Graph `error.code`, Veeam `errorCode`). */
  upstreamCodeOf: (body: unknown) => string | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Transport policy for one source, in one place: a keep-alive undici Agent with the source's TLS
 * trust, timeouts, a response-size cap, one token renewal on 401, and bounded retries with
 * backoff (honouring Retry-After) for idempotent reads only. Every outcome feeds the source's
 * health and the metrics; no error message carries an upstream body or a credential.
 */
export class UpstreamHttp {
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterSeconds: number;

  constructor(
    private readonly options: UpstreamHttpOptions,
    private readonly metrics: GatewayMetrics,
    private readonly health: SourceHealthTracker,
    private readonly logger: Logger,
  ) {
    const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
    this.agent = new Agent({
      connections: options.connections ?? 16,
      keepAliveTimeout: 10_000,
      headersTimeout: options.headersTimeoutMs ?? 15_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
      connect: { ca, rejectUnauthorized: !options.insecureSkipVerify, timeout: options.connectTimeoutMs ?? 5_000 },
    });
    this.maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 5;
  }

  async call(call: UpstreamCall): Promise<UpstreamAnswer> {
    let attempt = 0;
    let renewedToken = false;
    for (;;) {
      const token = call.auth ? await call.auth.getToken() : undefined;
      let answer: UpstreamAnswer;
      try {
        answer = await this.once(call, token);
      } catch (err) {
        const failure = err instanceof UpstreamError ? err : this.unavailable(`${this.describeTransportError(err)}`);
        if (call.idempotent && attempt < this.maxRetries) {
          attempt++;
          await sleep(this.backoffMs(attempt));
          continue;
        }
        this.health.recordFailure(failure.message, true);
        throw failure;
      }
      const { status } = answer;
      if (status === 401 && call.auth && token !== undefined) {
        if (!renewedToken) {
          renewedToken = true;
          call.auth.invalidate(token);
          continue;
        }
        const failure = new UpstreamError(ErrorCode.UPSTREAM_AUTH_FAILED, `${this.label()} refused the gateway's credentials.`, this.ext({ upstreamStatus: 401 }));
        this.health.recordFailure(failure.message, true);
        throw failure;
      }
      if (status === 429) {
        const retryAfter = parseRetryAfter(answer.headers['retry-after']);
        if (call.idempotent && attempt < this.maxRetries && (retryAfter ?? 0) <= this.maxRetryAfterSeconds) {
          attempt++;
          await sleep(retryAfter !== null ? retryAfter * 1000 : this.backoffMs(attempt));
          continue;
        }
        const failure = new UpstreamError(ErrorCode.UPSTREAM_THROTTLED, `${this.label()} is throttling requests.`, this.ext({ retryAfterSeconds: retryAfter ?? 1 }));
        this.health.recordFailure(failure.message, false);
        throw failure;
      }
      if (status >= 500) {
        if (call.idempotent && attempt < this.maxRetries) {
          attempt++;
          await sleep(this.backoffMs(attempt));
          continue;
        }
        const failure = this.unavailable(`answered HTTP ${status}`, status);
        this.health.recordFailure(failure.message, true);
        throw failure;
      }
      this.health.recordSuccess();
      if (status >= 400 && !(call.acceptStatuses ?? []).includes(status)) {
        const upstreamCode = this.options.upstreamCodeOf(answer.json);
        throw new UpstreamError(ErrorCode.UPSTREAM_ERROR, `${this.label()} refused the request (HTTP ${status}${upstreamCode ? `, ${upstreamCode}` : ''}).`, this.ext({ upstreamStatus: status, upstreamCode }));
      }
      return answer;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async once(call: UpstreamCall, token: string | undefined): Promise<UpstreamAnswer> {
    const url = new URL(call.url);
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const started = process.hrtime.bigint();
    const labels = { source: this.options.sourceId, vendor: this.options.vendor, route: call.route };
    let status = 'error';
    try {
      const res = await this.agent.request({ origin: url.origin, path: url.pathname + url.search, method: call.method, headers, body: call.body });
      status = String(res.statusCode);
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
      this.logger.debug({ source: this.options.sourceId, route: call.route, status, ms: Math.round(seconds * 1000) }, 'upstream call');
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
    const code = (err as { code?: string }).code;
    switch (code) {
      case 'ECONNREFUSED':
        return 'refused the connection';
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
        return 'dropped the connection';
      case 'UND_ERR_CONNECT_TIMEOUT':
        return 'did not accept a connection in time';
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return 'did not answer in time';
      case 'ENOTFOUND':
        return 'could not be resolved';
      default:
        if (code && /CERT|SELF_SIGNED|TLS|SSL/i.test(code)) return `failed TLS verification (${code})`;
        return `could not be reached${code ? ` (${code})` : ''}`;
    }
  }
}
