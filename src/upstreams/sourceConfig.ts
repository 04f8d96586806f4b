import { z } from 'zod';

const sourceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be letters, digits, - or _ (at most 64), starting with a letter or digit');
export const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const tlsSchema = z
  .object({
    caFile: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().optional(),
  })
  .strict();

const timeoutsSchema = z
  .object({
    connectMs: z.number().int().positive().default(5_000),
    /** Until the first byte of the answer. */
    headersMs: z.number().int().positive().default(10_000),
    /** Longest silence while the body arrives. */
    bodyMs: z.number().int().positive().default(10_000),
    /** The whole request. */
    totalMs: z.number().int().positive().default(30_000),
  })
  .strict()
  .prefault({});

const retriesSchema = z
  .object({
    /** Retries of one idempotent call (reads only; writes are never retried). */
    max: z.number().int().min(0).max(10).default(2),
    /** The longest Retry-After waited out inside a request; longer ones answer UPSTREAM_THROTTLED. */
    maxRetryAfterSeconds: z.number().min(0).max(60).default(5),
  })
  .strict()
  .prefault({});

const circuitBreakerSchema = z
  .object({
    /** Consecutive failed calls (after their retries) that open the circuit. */
    failureThreshold: z.number().int().min(1).max(100).default(5),
    /** How long an open circuit fails fast before one probe call is let through. */
    openSeconds: z.number().min(0.1).max(600).default(10),
  })
  .strict()
  .prefault({});

/** Keys every source has, whatever its vendor (each vendor's schema spreads these). */
export const commonSource = {
  id: sourceId,
  name: z.string().min(1),
  baseUrl: httpUrl,
  tls: tlsSchema.optional(),
  timeouts: timeoutsSchema,
  retries: retriesSchema,
  circuitBreaker: circuitBreakerSchema,
  /** Largest upstream answer read, in bytes. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1_048_576),
  /** Keep-alive connections per upstream origin. */
  connections: z.number().int().min(1).max(256).default(16),
  /**
   * Upstream calls one GraphQL request may make to this source to find restore points (Graph
   * searches answer at most 5 points each); fields that need more answer QUERY_TOO_COMPLEX.
   */
  maxDiscoveryCallsPerRequest: z.number().int().min(1).max(10_000).default(100),
};
