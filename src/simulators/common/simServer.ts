import type { Socket } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FaultController, type FaultSettings } from './faults';
import { RequestCounters } from './counters';
import { SeededRandom } from './random';
import type { SimClock } from './clock';
import type { GeneratedTls } from './tls';

/** A request as a simulated upstream sees it, whether it came over HTTP or inside a `$batch`. */
export interface SimRequest {
  method: string;
  /** Decoded path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
  requestId: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless undefined (no body). */
  body?: unknown;
}

export type RouteHandler = (req: SimRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

export interface RouteDefinition {
  method: string;
  /** Path pattern with `{name}` placeholders, e.g. `/v6/RestoreSessions/{id}`. Also the route's counter name. */
  pattern: string;
  handler: RouteHandler;
  /** Throttling faults are applied by the handler to each inner request (Graph `$batch`). */
  throttlesItems?: boolean;
}

interface CompiledRoute extends RouteDefinition {
  name: string;
  regex: RegExp;
  keys: string[];
}

export interface VendorErrors {
  notFound(req: SimRequest): SimResponse;
  methodNotAllowed(req: SimRequest): SimResponse;
  badRequest(req: SimRequest, message: string): SimResponse;
  serverError(req: SimRequest, status: number): SimResponse;
  throttled(req: SimRequest, retryAfter: string): SimResponse;
}

export interface SimServerOptions {
  name: string;
  routes: RouteDefinition[];
  errors: VendorErrors;
  clock: SimClock;
  /** Veeam matches paths case-insensitively; Graph does too for path segments. */
  caseInsensitive: boolean;
  tls?: GeneratedTls;
  /** Seed for the 5xx fault dice, so fault runs are repeatable. */
  faultSeed?: number;
  /** Invalidates every issued token (served as POST /_sim/tokens/expire). */
  expireTokens?: () => void;
  /** Extra control routes under `/_sim/` (vendor-specific state changes). */
  controlRoutes?: RouteDefinition[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Default response headers added to every API answer. */
  defaultHeaders?: (req: SimRequest) => Record<string, string>;
}

const CONTROL_PREFIX = '/_sim/';

function compile(route: RouteDefinition, caseInsensitive: boolean): CompiledRoute {
  const keys: string[] = [];
  const source = route.pattern
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const key = /^\{([^}]+)\}$/.exec(part);
      if (key) {
        keys.push(key[1]);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return {
    ...route,
    name: `${route.method} ${route.pattern}`,
    regex: new RegExp(`^${source}/?$`, caseInsensitive ? 'i' : ''),
    keys,
  };
}

function matchRoute(routes: CompiledRoute[], method: string, path: string): { route?: CompiledRoute; params: Record<string, string>; pathMatched: boolean } {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(m[i + 1]);
    });
    return { route, params, pathMatched };
  }
  return { params: {}, pathMatched };
}

function parseBody(contentType: string, raw: string): unknown {
  if (!raw) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (contentType.includes('json')) return JSON.parse(raw);
  return raw;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The HTTP(S) server shared by both simulators: routing, body parsing, fault injection,
 * exact request counters and the `/_sim/` control endpoint. Vendors supply routes and their own
 * error bodies; nothing here knows Graph or Veeam.
 */
export class SimServer {
  readonly faults = new FaultController();
  readonly counters = new RequestCounters();
  private readonly routes: CompiledRoute[];
  private readonly controlRoutes: CompiledRoute[];
  private readonly dice: SeededRandom;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private baseUrl: string | null = null;

  constructor(private readonly options: SimServerOptions) {
    this.routes = options.routes.map((r) => compile(r, options.caseInsensitive));
    this.controlRoutes = [...this.builtInControlRoutes(), ...(options.controlRoutes ?? [])].map((r) => compile(r, false));
    this.dice = new SeededRandom(options.faultSeed ?? 7);
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`simulator failure: ${err instanceof Error ? err.message : String(err)}`);
        } else {
          res.destroy();
        }
      });
    };
    this.server = options.tls ? https.createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, listener) : http.createServer(listener);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.options.name} simulator is not listening`);
    return this.baseUrl;
  }

  get isTls(): boolean {
    return Boolean(this.options.tls);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const urlHost = hostPart === '127.0.0.1' || hostPart === '0.0.0.0' || hostPart === '[::]' ? 'localhost' : hostPart;
    this.baseUrl = `${this.isTls ? 'https' : 'http'}://${urlHost}:${address.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Runs one request through routing and the handlers without HTTP: used for the items of a
   * Graph `$batch`, which Graph also evaluates (and counts, and throttles) one by one.
   */
  async dispatchInner(req: SimRequest): Promise<SimResponse> {
    const started = Date.now();
    const { route, params, pathMatched } = matchRoute(this.routes, req.method, req.path);
    let response: SimResponse;
    if (!route) {
      response = pathMatched ? this.options.errors.methodNotAllowed(req) : this.options.errors.notFound(req);
    } else {
      const retryAfter = this.faults.consumeThrottle(route.name);
      response = retryAfter !== null ? this.options.errors.throttled(req, retryAfter) : await this.safeHandle(route, req, params);
    }
    this.counters.record({
      at: new Date().toISOString(),
      method: req.method,
      url: req.path + (req.query.toString() ? `?${req.query}` : ''),
      route: route?.name ?? `${req.method} (unmatched)`,
      status: response.status,
      batchItem: true,
      durationMs: Date.now() - started,
    });
    return response;
  }

  private async safeHandle(route: CompiledRoute, req: SimRequest, params: Record<string, string>): Promise<SimResponse> {
    try {
      return await route.handler(req, params);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof TypeError) return this.options.errors.badRequest(req, err.message);
      throw err;
    }
  }

  private async readBody(req: http.IncomingMessage): Promise<string | null> {
    const limit = this.options.maxBodyBytes ?? 4 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    const isControl = path.startsWith(CONTROL_PREFIX);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;

    const routes = isControl ? this.controlRoutes : this.routes;
    const { route, params, pathMatched } = matchRoute(routes, req.method ?? 'GET', path);
    const routeName = route?.name ?? `${req.method} (unmatched)`;
    const faults = this.faults.current;
    const faulty = !isControl && this.faults.applies(routeName);

    if (faulty && faults.down) {
      // A server that is down resets the connection; it never answers.
      req.socket.destroy();
      return;
    }

    const rawBody = await this.readBody(req);
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      headers,
      body: undefined,
      rawBody: rawBody ?? '',
      requestId: headers['client-request-id'] ?? randomUUID(),
    };

    let response: SimResponse;
    if (rawBody === null) {
      response = { status: 413, body: { message: 'Request body too large' } };
    } else {
      try {
        simReq.body = parseBody(headers['content-type'] ?? '', rawBody);
        response = await this.answer(route, params, pathMatched, simReq, faulty, isControl);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        response = this.options.errors.badRequest(simReq, 'The request body is not valid JSON.');
      }
    }

    if (faulty && faults.latencyMs > 0) await sleep(faults.latencyMs);
    await this.send(res, response, faulty, simReq, isControl);
    if (!isControl) {
      this.counters.record({
        at: new Date().toISOString(),
        method: simReq.method,
        url: req.url ?? '/',
        route: routeName,
        status: response.status,
        batchItem: false,
        durationMs: Date.now() - started,
        traceparent: simReq.headers.traceparent,
      });
    }
  }

  private async answer(
    route: CompiledRoute | undefined,
    params: Record<string, string>,
    pathMatched: boolean,
    req: SimRequest,
    faulty: boolean,
    isControl: boolean,
  ): Promise<SimResponse> {
    if (!route) {
      if (isControl) return { status: 404, body: { message: 'unknown control route' } };
      return pathMatched ? this.options.errors.methodNotAllowed(req) : this.options.errors.notFound(req);
    }
    if (faulty) {
      const faults = this.faults.current;
      if (faults.errorRate > 0 && this.dice.next() < faults.errorRate) return this.options.errors.serverError(req, faults.errorStatus);
      if (!route.throttlesItems) {
        const retryAfter = this.faults.consumeThrottle(route.name);
        if (retryAfter !== null) return this.options.errors.throttled(req, retryAfter);
      }
    }
    return isControl ? route.handler(req, params) : this.safeHandle(route, req, params);
  }

  private async send(res: http.ServerResponse, response: SimResponse, faulty: boolean, req: SimRequest, isControl: boolean): Promise<void> {
    const faults = this.faults.current;
    const headers: Record<string, string> = { ...(isControl ? {} : (this.options.defaultHeaders?.(req) ?? {})), ...(response.headers ?? {}) };
    if (response.body === undefined) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    let text = JSON.stringify(response.body);
    if (!headers['content-type'] && !headers['Content-Type']) headers['content-type'] = 'application/json; charset=utf-8';
    if (faulty) {
      if (faults.padBodyBytes > 0 && text.endsWith('}')) {
        text = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"padding":"${'x'.repeat(faults.padBodyBytes)}"}`;
      }
      if (faults.malformedJson) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      if (faults.contentTypeOverride) {
        delete headers['Content-Type'];
        headers['content-type'] = faults.contentTypeOverride;
      }
    }
    const body = Buffer.from(text, 'utf8');
    headers['content-length'] = String(body.length);
    res.writeHead(response.status, headers);
    if (faulty && faults.truncateBody && body.length > 1) {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      await sleep(20);
      res.destroy();
      return;
    }
    if (faulty && faults.slowBodyMs > 0 && body.length > 1) {
      const pieces = 10;
      const size = Math.ceil(body.length / pieces);
      for (let offset = 0; offset < body.length; offset += size) {
        if (res.destroyed) return;
        res.write(body.subarray(offset, offset + size));
        await sleep(faults.slowBodyMs / pieces);
      }
      res.end();
      return;
    }
    res.end(body);
  }

  private builtInControlRoutes(): RouteDefinition[] {
    return [
      { method: 'GET', pattern: '/_sim/counters', handler: () => ({ status: 200, body: { total: this.counters.total(), byRoute: this.counters.snapshot() } }) },
      { method: 'GET', pattern: '/_sim/requests', handler: () => ({ status: 200, body: { requests: this.counters.requests() } }) },
      {
        method: 'POST',
        pattern: '/_sim/counters/reset',
        handler: () => {
          this.counters.reset();
          return { status: 204 };
        },
      },
      { method: 'GET', pattern: '/_sim/faults', handler: () => ({ status: 200, body: this.faults.current }) },
      {
        method: 'POST',
        pattern: '/_sim/tokens/expire',
        handler: () => {
          if (!this.options.expireTokens) return { status: 404, body: { message: 'this simulator issues no tokens' } };
          this.options.expireTokens();
          return { status: 204 };
        },
      },
      {
        method: 'PUT',
        pattern: '/_sim/faults',
        handler: (req) => {
          if (typeof req.body !== 'object' || req.body === null) return { status: 400, body: { message: 'send a JSON object of fault settings' } };
          try {
            this.faults.reset();
            return { status: 200, body: this.faults.update(req.body as Record<string, unknown>) };
          } catch (err) {
            return { status: 400, body: { message: (err as Error).message } };
          }
        },
      },
      {
        method: 'PATCH',
        pattern: '/_sim/faults',
        handler: (req) => {
          try {
            return { status: 200, body: this.faults.update((req.body ?? {}) as Record<string, unknown>) };
          } catch (err) {
            return { status: 400, body: { message: (err as Error).message } };
          }
        },
      },
      {
        method: 'POST',
        pattern: '/_sim/clock/advance',
        handler: (req) => {
          const ms = (req.body as { ms?: unknown } | undefined)?.ms;
          if (typeof ms !== 'number' || ms < 0) return { status: 400, body: { message: 'body must be {"ms": <non-negative number>}' } };
          this.options.clock.advance(ms);
          return { status: 200, body: { now: new Date(this.options.clock.now()).toISOString() } };
        },
      },
    ];
  }
}

export type { FaultSettings };
