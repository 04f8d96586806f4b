import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const sourceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be letters, digits, - or _ (at most 64), starting with a letter or digit');
const httpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const tlsSchema = z
  .object({
    caFile: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().optional(),
  })
  .strict();

const timeoutsSchema = z
  .object({
    connectMs: z.number().int().positive().optional(),
    /** Until the first byte of the answer. */
    headersMs: z.number().int().positive().optional(),
    /** Longest silence while the body arrives. */
    bodyMs: z.number().int().positive().optional(),
    /** The whole request. */
    totalMs: z.number().int().positive().optional(),
  })
  .strict();

const retriesSchema = z
  .object({
    /** Retries of one idempotent call (reads only; writes are never retried). */
    max: z.number().int().min(0).max(10).optional(),
    /** The longest Retry-After waited out inside a request; longer ones answer UPSTREAM_THROTTLED. */
    maxRetryAfterSeconds: z.number().min(0).max(60).optional(),
  })
  .strict();

const circuitBreakerSchema = z
  .object({
    failureThreshold: z.number().int().min(1).max(100).optional(),
    openSeconds: z.number().min(0.1).max(600).optional(),
  })
  .strict();

const commonSource = {
  id: sourceId,
  name: z.string().min(1),
  baseUrl: httpUrl,
  tls: tlsSchema.optional(),
  timeouts: timeoutsSchema.optional(),
  retries: retriesSchema.optional(),
  circuitBreaker: circuitBreakerSchema.optional(),
  /** Largest upstream answer read, in bytes (default 32 MiB). */
  maxResponseBytes: z.number().int().positive().optional(),
  /** Keep-alive connections per upstream origin. */
  connections: z.number().int().min(1).max(256).optional(),
};

const graphSourceSchema = z
  .object({
    ...commonSource,
    vendor: z.literal('msgraph'),
    auth: z
      .object({
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        tokenUrl: httpUrl.optional(),
        scope: z.string().min(1).optional(),
      })
      .strict(),
  })
  .strict();

const veeamSourceSchema = z
  .object({
    ...commonSource,
    vendor: z.literal('veeam'),
    apiVersion: z.enum(['v6', 'v7', 'v8']).default('v6'),
    auth: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict(),
    /** Page size for session listings (VB365 caps it at 10,000). */
    pageSize: z.number().int().min(1).max(10_000).optional(),
    /** Parallel single-session reads for one GraphQL request. */
    maxConcurrency: z.number().int().min(1).max(64).optional(),
  })
  .strict();

const role = z.enum(['reader', 'operator']);

const callerAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }).strict(),
  z
    .object({
      mode: z.literal('apiKey'),
      apiKeys: z
        .array(
          z
            .object({
              key: z.string().min(16, 'must be at least 16 characters'),
              role,
              /** Who holds the key, for the audit log (the key itself is never logged). */
              name: z.string().min(1).optional(),
            })
            .strict(),
        )
        .min(1, 'needs at least one key'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('jwt'),
      jwt: z
        .object({
          /** HS256 shared secret; or jwksUrl for RS/ES keys published by an identity provider. */
          secret: z.string().min(32, 'must be at least 32 characters').optional(),
          jwksUrl: httpUrl.optional(),
          issuer: z.string().min(1),
          audience: z.string().min(1),
          /** Claim holding the role (a string or a list); a dotted path reaches nested claims. */
          roleClaim: z.string().min(1).default('role'),
          clockToleranceSeconds: z.number().min(0).max(300).default(30),
        })
        .strict()
        .refine((jwt) => (jwt.secret === undefined) !== (jwt.jwksUrl === undefined), 'give exactly one of secret and jwksUrl'),
    })
    .strict(),
]);

const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(4000),
        host: z.string().min(1).default('0.0.0.0'),
        bodyLimitBytes: z.number().int().positive().default(1_048_576),
        graphiql: z.boolean().default(true),
        introspection: z.boolean().default(true),
        /** Query limits (contract §4 defaults: depth 12, aliases 30, directives 20, tokens 5,000, cost 50,000). */
        limits: z
          .object({
            depth: z.number().int().positive().optional(),
            aliases: z.number().int().positive().optional(),
            directives: z.number().int().positive().optional(),
            tokens: z.number().int().positive().optional(),
            cost: z.number().int().positive().optional(),
          })
          .strict()
          .optional(),
        /** Upstream retries one GraphQL request may spend across all sources. */
        retryBudgetPerRequest: z.number().int().min(0).max(1000).default(10),
        /** How long SIGTERM waits for requests in flight before closing their connections. */
        shutdownGraceSeconds: z.number().min(0).max(300).default(10),
      })
      .strict()
      .default({ port: 4000, host: '0.0.0.0', bodyLimitBytes: 1_048_576, graphiql: true, introspection: true, retryBudgetPerRequest: 10, shutdownGraceSeconds: 10 }),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    auth: callerAuthSchema.default({ mode: 'none' }),
    cache: z
      .object({
        /** How old a source's session list may be (contract: 5 s). */
        listTtlSeconds: z.number().min(0).max(3600).default(5),
        /** Sessions that may still change, and their events, artifacts, statistics. */
        sessionTtlSeconds: z.number().min(0).max(3600).default(5),
        /** Terminal sessions (and their parts) change no more. */
        terminalSessionTtlSeconds: z.number().min(0).max(86_400).default(300),
        organizationTtlSeconds: z.number().min(0).max(86_400).default(300),
        /** Bounds of the in-memory cache. */
        maxEntries: z.number().int().min(100).default(50_000),
        maxBytes: z.number().int().min(1_048_576).default(128 * 1_048_576),
        /** Redis shared by several replicas (ioredis URL, e.g. redis://redis:6379/0); in-memory when absent. */
        redis: z.object({ url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL') }).strict().optional(),
      })
      .strict()
      .default({ listTtlSeconds: 5, sessionTtlSeconds: 5, terminalSessionTtlSeconds: 300, organizationTtlSeconds: 300, maxEntries: 50_000, maxBytes: 128 * 1_048_576 }),
    subscriptions: z
      .object({
        /** Poll interval per source while it has sessions that can still change. */
        activeIntervalSeconds: z.number().min(0.1).max(600).default(2),
        /** Poll interval while all of a source's sessions are terminal. */
        idleIntervalSeconds: z.number().min(0.1).max(3600).default(15),
        /** Subscriptions one graphql-ws connection may hold at once. */
        maxPerConnection: z.number().int().min(1).max(1000).default(20),
      })
      .strict()
      .default({ activeIntervalSeconds: 2, idleIntervalSeconds: 15, maxPerConnection: 20 }),
    sources: z.array(z.discriminatedUnion('vendor', [graphSourceSchema, veeamSourceSchema])).min(1, 'needs at least one source'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id '${source.id}'` });
      seen.add(source.id);
    });
  });

export type GatewayConfig = z.infer<typeof configSchema>;
export type SourceConfig = GatewayConfig['sources'][number];
export type GraphSourceConfig = Extract<SourceConfig, { vendor: 'msgraph' }>;
export type VeeamSourceConfig = Extract<SourceConfig, { vendor: 'veeam' }>;
export type CallerAuthConfig = GatewayConfig['auth'];

/** A start-up configuration problem; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function keyPath(parts: ReadonlyArray<PropertyKey>): string {
  return parts.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/** Replaces `${VAR}` inside every string value, after parsing, so a secret may hold any character. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, at: PropertyKey[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) throw new ConfigError(`${keyPath(at)}: environment variable ${name} is not set`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, [...at, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...at, k])]));
  }
  return value;
}

/** Validates a configuration object (already parsed), resolving relative paths against `baseDir`. */
export function parseConfig(raw: unknown, options: { env?: NodeJS.ProcessEnv; baseDir?: string } = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const interpolated = interpolate(raw, env, []);
  const result = configSchema.safeParse(interpolated);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `${keyPath([...issue.path, issue.keys[0]])}: unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`;
      return `${keyPath(issue.path) || '(root)'}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = result.data;
  if (env.PORT !== undefined) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: '${env.PORT}' is not a port number`);
    config.server.port = port;
  }
  const baseDir = options.baseDir ?? process.cwd();
  for (const source of config.sources) {
    if (source.tls?.caFile) source.tls.caFile = path.resolve(baseDir, source.tls.caFile);
  }
  return config;
}

/** Reads a YAML or JSON configuration file. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`configuration file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseConfig(raw, { env, baseDir: path.dirname(path.resolve(file)) });
}
