/**
 * Run-time switchable misbehaviour of a simulated upstream. Every field can be changed while the
 * simulator serves, in-process or through its control endpoint.
 */
export interface FaultSettings {
  /** Added delay before the answer, in ms. */
  latencyMs: number;
  /** Fraction (0..1) of requests answered with `errorStatus` instead of their real answer. */
  errorRate: number;
  errorStatus: number;
  /** The next N matching requests (or $batch items) are answered 429 with `retryAfter`. */
  throttleCount: number;
  /** The Retry-After header value: seconds (fractional allowed) or an HTTP date. */
  retryAfter: string;
  /** Connections are dropped without an answer. */
  down: boolean;
  /** The body is written in small chunks spread over this many ms. */
  slowBodyMs: number;
  /** JSON bodies are cut in half, as a broken proxy would deliver them. */
  malformedJson: boolean;
  /** The full Content-Length is announced, half the body sent, then the connection dropped. */
  truncateBody: boolean;
  /** Content-Type sent instead of JSON's (e.g. a proxy's HTML error page). */
  contentTypeOverride: string | null;
  /** Extra bytes of padding added to JSON bodies (a huge answer). */
  padBodyBytes: number;
  /** When set, faults hit only routes whose name contains this text (case-insensitive). */
  routeMatch: string | null;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  throttleCount: 0,
  retryAfter: '1',
  down: false,
  slowBodyMs: 0,
  malformedJson: false,
  truncateBody: false,
  contentTypeOverride: null,
  padBodyBytes: 0,
  routeMatch: null,
});

const NUMBER_KEYS = ['latencyMs', 'errorRate', 'errorStatus', 'throttleCount', 'slowBodyMs', 'padBodyBytes'] as const;
const BOOLEAN_KEYS = ['down', 'malformedJson', 'truncateBody'] as const;
const NULLABLE_STRING_KEYS = ['routeMatch', 'contentTypeOverride'] as const;

export class FaultController {
  private settings: FaultSettings = { ...NO_FAULTS };

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Merges a partial update; unknown keys and wrong types are rejected so a typo is not silently ignored. */
  update(patch: Record<string, unknown>): FaultSettings {
    const next: FaultSettings = { ...this.settings };
    for (const [key, value] of Object.entries(patch)) {
      if ((NUMBER_KEYS as readonly string[]).includes(key)) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`fault ${key} must be a non-negative number`);
        (next as unknown as Record<string, number>)[key] = value;
      } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
        if (typeof value !== 'boolean') throw new TypeError(`fault ${key} must be a boolean`);
        (next as unknown as Record<string, boolean>)[key] = value;
      } else if ((NULLABLE_STRING_KEYS as readonly string[]).includes(key)) {
        if (value !== null && typeof value !== 'string') throw new TypeError(`fault ${key} must be a string or null`);
        (next as unknown as Record<string, string | null>)[key] = value;
      } else if (key === 'retryAfter') {
        if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError('fault retryAfter must be a string or number');
        next.retryAfter = String(value);
      } else {
        throw new TypeError(`unknown fault setting: ${key}`);
      }
    }
    if (next.errorRate > 1) throw new TypeError('fault errorRate must be between 0 and 1');
    this.settings = next;
    return next;
  }

  reset(): void {
    this.settings = { ...NO_FAULTS };
  }

  applies(routeName: string): boolean {
    const match = this.settings.routeMatch;
    return match === null || routeName.toLowerCase().includes(match.toLowerCase());
  }

  /** Takes one throttled answer from the burst, if any is left. */
  consumeThrottle(routeName: string): string | null {
    if (this.settings.throttleCount <= 0 || !this.applies(routeName)) return null;
    this.settings = { ...this.settings, throttleCount: this.settings.throttleCount - 1 };
    return this.settings.retryAfter;
  }
}
