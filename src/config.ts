import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { httpUrl } from './upstreams/sourceConfig';
import { SOURCE_SCHEMAS } from './upstreams/sourceSchemas';

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
          /** Claim holding the role values (a string or a list); a dotted path reaches nested claims. */
          roleClaim: z.string().min(1).default('roles'),
          /** Which claim values grant which role (e.g. an Entra app role `Restore.Operator`). */
          roleMapping: z
            .object({ reader: z.array(z.string().min(1)).default(['reader']), operator: z.array(z.string().min(1)).default(['operator']) })
            .strict()
            .prefault({}),
          /** Tokens without `exp` never expire: refused unless this is turned off. */
          requireExp: z.boolean().default(true),
          clockToleranceSeconds: z.number().min(0).max(300).default(30),
        })
        .strict()
        .refine((jwt) => (jwt.secret === undefined) !== (jwt.jwksUrl === undefined), 'give exactly one of secret and jwksUrl'),
    })
    .strict(),
]);

/**
 * Every default lives here, once: nested objects use `prefault({})`, so their own field defaults
 * apply when a section is left out.
 */
const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(4000),
        host: z.string().min(1).default('0.0.0.0'),
        bodyLimitBytes: z.number().int().positive().default(1_048_576),
        graphiql: z.boolean().default(true),
        introspection: z.boolean().default(true),
        /** Query limits (contract §4 defaults). */
        limits: z
          .object({
            depth: z.number().int().positive().default(12),
            aliases: z.number().int().positive().default(30),
            directives: z.number().int().positive().default(20),
            tokens: z.number().int().positive().default(5000),
            cost: z.number().int().positive().default(50_000),
            /** Most ids one `nodes(ids)` may ask for. */
            maxIds: z.number().int().min(1).max(10_000).default(500),
          })
          .strict()
          .prefault({}),
        /** Upstream retries one GraphQL request may spend across all sources. */
        retryBudgetPerRequest: z.number().int().min(0).max(1000).default(10),
        /** After SIGTERM, /readyz answers 503 this long while requests are still served (load balancers notice). */
        shutdownDelaySeconds: z.number().min(0).max(300).default(5),
        /** Then the listener closes and requests in flight get this long to finish. */
        shutdownGraceSeconds: z.number().min(0).max(300).default(10),
        /** A request (headers and body) must arrive within this; slow senders get 408. */
        requestTimeoutSeconds: z.number().min(1).max(3600).default(30),
        /** Open client connections (HTTP and WebSocket) at most; more are refused at accept. */
        maxConnections: z.number().int().min(1).max(1_000_000).default(4096),
        /**
         * Host names (no port) the gateway answers for, against DNS rebinding. Absent: the loopback
         * names when `host` is a loopback address, any name otherwise.
         */
        allowedHosts: z.array(z.string().min(1)).min(1).optional(),
        /** Browser pages on other origins that may call the gateway (absent: none). */
        cors: z
          .object({
            /** Exact origins (`https://dash.example.com`), an origin with any port (`http://localhost:*`), or "*". */
            origins: z.union([
              z.literal('*'),
              z.array(z.string().regex(/^https?:\/\/[^/\s*]+(:\*)?$/, 'must be an origin (scheme://host[:port], or :* for any port)')).min(1),
            ]),
            /** Allow credentialed requests (cookies, HTTP auth); never with "*". */
            credentials: z.boolean().default(false),
            /** How long a browser may reuse a preflight answer. */
            maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
          })
          .strict()
          .refine((cors) => !(cors.credentials && cors.origins === '*'), 'credentials cannot be allowed for every origin ("*"); list the origins')
          .optional(),
        /** Persisted documents: a manifest of known operations, as GraphQL Code Generator's client preset writes it. */
        persistedDocuments: z
          .object({
            /** `{ "<sha256>": "<document>" }`; a relative path is resolved against the configuration file. */
            manifest: z.string().min(1),
            /** allowList: only documents from the manifest run; preferred: ids are resolved, free-form documents still run. */
            mode: z.enum(['allowList', 'preferred']).default('allowList'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** Distinct operation names kept as label values; later names count as `other`. */
        maxOperationLabels: z.number().int().min(0).max(10_000).default(100),
      })
      .strict()
      .prefault({}),
    auth: callerAuthSchema.default({ mode: 'none' }),
    cache: z
      .object({
        /** Least rest between background reads of a source's list (contract: 5 s). */
        listTtlSeconds: z.number().min(0.05).max(3600).default(5),
        /** Sessions that may still change, and their events, artifacts, statistics. */
        sessionTtlSeconds: z.number().min(0).max(3600).default(5),
        /** Terminal sessions (and their parts) change no more. */
        terminalSessionTtlSeconds: z.number().min(0).max(86_400).default(300),
        /** What changes rarely: Veeam organisations, and discovery's catalogue (backup jobs, protected items, what a restore point holds). */
        organizationTtlSeconds: z.number().min(0).max(86_400).default(300),
        /** How long an id an upstream does not know is remembered as unknown. */
        notFoundTtlSeconds: z.number().min(0).max(3600).default(30),
        /** Bounds of the in-memory cache. */
        maxEntries: z.number().int().min(100).default(50_000),
        maxBytes: z
          .number()
          .int()
          .min(1_048_576)
          .default(128 * 1_048_576),
        /** Whole answers to queries served from the session index, dropped exactly when what they read changes. */
        responses: z
          .object({
            enabled: z.boolean().default(true),
            /** Bytes of serialized answers held in memory (with Redis, also the bound of this replica's copy). */
            maxBytes: z
              .number()
              .int()
              .min(1_048_576)
              .default(32 * 1_048_576),
            /** Largest single answer kept; bigger answers are computed every time. */
            maxEntryBytes: z.number().int().min(1024).default(1_048_576),
          })
          .strict()
          .prefault({}),
        /** Redis shared by several replicas (ioredis URL, e.g. redis://redis:6379/0); in-memory when absent. */
        redis: z
          .object({
            url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
            /** A Redis command unanswered after this long counts as failed (the gateway answers from upstreams). */
            commandTimeoutMs: z.number().int().min(10).max(60_000).default(500),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    sync: z
      .object({
        /** Sessions that can still change (DRAFT, ACTIVATING, RUNNING) are read again by id this often. */
        liveIntervalSeconds: z.number().min(0.05).max(600).default(2),
        /** A query waits this long for a source's first read, then answers without it (SOURCE_WARMING_UP). */
        warmupWaitSeconds: z.number().min(0).max(600).default(10),
        /** A complete read this often where nothing else reports removals (Veeam without the change feed). */
        reconcileIntervalSeconds: z.number().min(1).max(86_400).default(300),
        /** Reads of new sessions start this far before the newest one held (equal timestamps, late arrivals). */
        overlapSeconds: z.number().min(0).max(3600).default(60),
        /** How long one change-feed call (Veeam v8 /Events) may wait for a change. */
        feedWaitSeconds: z.number().int().min(0).max(60).default(10),
        /** Live sessions read again per interval at most, per source; more take turns. */
        maxLiveReadsPerInterval: z.number().int().min(1).max(100_000).default(200),
      })
      .strict()
      .prefault({}),
    subscriptions: z
      .object({
        /** Subscriptions one graphql-ws connection may hold at once. */
        maxPerConnection: z.number().int().min(1).max(1000).default(20),
        /** Largest WebSocket message accepted; bigger ones close the connection with 1009. */
        maxPayloadBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1_048_576)
          .default(65_536),
        /** Open WebSocket connections, in all and from one client address. */
        maxConnections: z.number().int().min(1).max(1_000_000).default(2000),
        maxConnectionsPerClient: z.number().int().min(1).max(100_000).default(50),
      })
      .strict()
      .prefault({}),
    sources: z.array(z.discriminatedUnion('vendor', SOURCE_SCHEMAS)).min(1, 'needs at least one source'),
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
      if (issue.code === 'unrecognized_keys')
        return `${keyPath([...issue.path, issue.keys[0]])}: unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}`;
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
  if (env.HOST !== undefined && env.HOST !== '') config.server.host = env.HOST;
  const baseDir = options.baseDir ?? process.cwd();
  for (const source of config.sources) {
    if (source.tls?.caFile) source.tls.caFile = path.resolve(baseDir, source.tls.caFile);
  }
  if (config.server.persistedDocuments) config.server.persistedDocuments.manifest = path.resolve(baseDir, config.server.persistedDocuments.manifest);
  return config;
}

/**
 * A syntax error with the line it is on and a caret under the column, so the mistake can be seen
 * without opening the file (yaml reports a position; JSON.parse a character offset).
 */
function describeSyntaxError(err: unknown, text: string): string {
  const message = (err as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  let line: number | undefined;
  let column: number | undefined;
  if (err instanceof YAMLParseError && err.linePos) ({ line, col: column } = err.linePos[0]);
  else {
    const offset = /position (\d+)/.exec(message)?.[1];
    if (offset !== undefined) {
      const before = text.slice(0, Number(offset));
      line = before.split('\n').length;
      column = Number(offset) - before.lastIndexOf('\n');
    }
  }
  if (line === undefined || column === undefined) return message;
  const source = (text.split(/\r?\n/)[line - 1] ?? '').slice(0, 200);
  return `${message}\n  line ${line}, column ${column}:\n    ${source}\n    ${' '.repeat(Math.max(0, column - 1))}^`;
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
    throw new ConfigError(`configuration file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${describeSyntaxError(err, text)}`);
  }
  return parseConfig(raw, { env, baseDir: path.dirname(path.resolve(file)) });
}
