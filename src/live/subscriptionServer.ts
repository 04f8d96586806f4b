import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Caller, CallerAuthenticator } from '../auth/callerAuth';
import { createContext, type GatewayServices } from '../context';
import { ErrorCode } from '../errors';
import { checkDocumentText } from '../limits/documentGuard';
import { limitValidationRules, type QueryLimits } from '../limits/queryLimits';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { checkOperation } from '../operations/checkOperation';

export interface SubscriptionServerOptions {
  path: string;
  schema: GraphQLSchema;
  services: GatewayServices;
  authenticator: CallerAuthenticator;
  limits: QueryLimits;
  maxPerConnection: number;
  /** Largest message accepted (ws closes bigger ones with 1009 before reading them whole). */
  maxPayloadBytes: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** Decides whether a browser page's Origin may open a connection (null: no Origin check). */
  originAllowed: ((origin: string | undefined) => boolean) | null;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Ping interval; a peer that misses a pong by the next ping is dropped. */
  keepAliveMs?: number;
}

interface Extra {
  socket: WebSocket;
  request: http.IncomingMessage;
}

interface ConnectionState {
  caller: Caller | null;
  active: Set<string>;
}

/** Message types a client may send (graphql-transport-ws); anything else is a protocol error. */
const CLIENT_MESSAGES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);

const codeError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

function clientAddress(request: http.IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

/**
 * graphql-ws on the gateway's own HTTP server and /graphql path, with our own WebSocket adapter
 * over the library's `makeServer`: messages are capped in size before they are read, connections
 * are capped in all and per client address, a client sending a server-only message type gets
 * 4400 (not a stack trace), nothing from an unauthenticated connection is kept, and errors go to
 * the gateway's log. Credentials come in the `connection_init` payload (`x-api-key`, or
 * `authorization` as over HTTP); a refused connection closes with 4403. Each subscription is
 * checked like a query (the same document guard, validation, role and cost checks).
 */
export function createSubscriptionServer(server: http.Server, options: SubscriptionServerOptions) {
  const { logger, metrics } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, handleProtocols });
  const perClient = new Map<string, number>();
  const states = new WeakMap<WebSocket, ConnectionState>();
  const rules = [...specifiedRules, ...limitValidationRules(options.limits)];
  const keepAliveMs = options.keepAliveMs ?? 12_000;

  const graphqlWs = makeServer<Record<string, unknown>, Extra>({
    schema: options.schema,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      // The payload may hold credentials: it is read once here and not kept on the connection.
      (ctx as { connectionParams?: unknown }).connectionParams = undefined;
      const header = (name: string) => {
        const nested = params.headers;
        const value = params[name] ?? params[name.toLowerCase()] ?? (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[name] : undefined);
        return typeof value === 'string' ? value : undefined;
      };
      const state = states.get(ctx.extra.socket);
      if (!state) return false;
      try {
        state.caller = await options.authenticator.authenticate({ authorization: header('authorization') ?? header('Authorization'), apiKey: header('x-api-key') });
        return true;
      } catch (err) {
        logger.warn({ ip: clientAddress(ctx.extra.request), reason: (err as Error).message }, 'subscription connection refused: caller authentication failed');
        return false;
      }
    },
    onSubscribe: (ctx, id, payload) => {
      const state = states.get(ctx.extra.socket);
      if (!state?.caller) return [codeError('Not authenticated.', ErrorCode.UNAUTHENTICATED)];
      if (state.active.size >= options.maxPerConnection) return [codeError(`At most ${options.maxPerConnection} subscriptions per connection.`, ErrorCode.QUERY_TOO_COMPLEX)];
      const guard = checkDocumentText(payload.query, payload.operationName);
      if (guard) return [guard];
      let document;
      try {
        document = parse(payload.query, { maxTokens: options.limits.tokens });
      } catch (err) {
        return [codeError((err as Error).message, ErrorCode.GRAPHQL_PARSE_FAILED)];
      }
      const errors = validate(options.schema, document, rules);
      if (errors.length > 0) return errors;
      const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
      const operation = payload.operationName ? operations.find((o) => o.name?.value === payload.operationName) : operations.length === 1 ? operations[0] : undefined;
      if (!operation) return [codeError(payload.operationName ? 'Unknown operation name.' : 'Give operationName: the document has several operations.', ErrorCode.BAD_REQUEST)];
      const requestId = randomUUID();
      const contextValue = createContext(options.services, state.caller, { requestId, subscriptionId: id });
      const refusal = checkOperation({ schema: options.schema, document, operation, variables: payload.variables ?? {}, caller: state.caller, transport: 'ws', costLimit: options.limits.cost, logger: contextValue.logger });
      if (refusal) return [refusal];
      state.active.add(id);
      metrics.subscriptionsActive.inc();
      const args: ExecutionArgs = { schema: options.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      return args;
    },
    onComplete: (ctx, id) => {
      const state = states.get(ctx.extra.socket);
      if (state?.active.delete(id)) metrics.subscriptionsActive.dec();
    },
    onError: (_ctx, id, _payload, errors) => {
      logger.debug({ subscription: id, errors: errors.map((e) => e.message) }, 'subscription error');
    },
  });

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    if (url.pathname !== options.path) return refuseUpgrade(socket, 404, 'Not Found');
    if (options.originAllowed && !options.originAllowed(request.headers.origin)) return refuseUpgrade(socket, 403, 'Origin not allowed');
    const address = clientAddress(request);
    if (wss.clients.size >= options.maxConnections) return refuseUpgrade(socket, 503, 'Too many WebSocket connections');
    if ((perClient.get(address) ?? 0) >= options.maxConnectionsPerClient) return refuseUpgrade(socket, 429, 'Too many WebSocket connections from this address');
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, address));
  };

  const accept = (socket: WebSocket, request: http.IncomingMessage, address: string) => {
    perClient.set(address, (perClient.get(address) ?? 0) + 1);
    metrics.websocketConnections.inc();
    states.set(socket, { caller: null, active: new Set() });
    socket.on('error', (err) => {
      logger.debug({ ip: address, err: err.message }, 'WebSocket error');
      socket.terminate();
    });
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, keepAliveMs);
    keepAlive.unref();
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data, isBinary) => {
            const text = isBinary ? '' : String(data);
            let type: unknown;
            try {
              type = (JSON.parse(text) as { type?: unknown } | null)?.type;
            } catch {
              // graphql-ws itself answers malformed messages with 4400
            }
            if (typeof type === 'string' && !CLIENT_MESSAGES.has(type)) {
              socket.close(CloseCode.BadRequest, `A client may not send '${type.slice(0, 32)}' messages`);
              return;
            }
            cb(text).catch((err: unknown) => {
              logger.warn({ ip: address, err: (err as Error).message }, 'WebSocket message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      const left = (perClient.get(address) ?? 1) - 1;
      if (left > 0) perClient.set(address, left);
      else perClient.delete(address);
      metrics.websocketConnections.dec();
      const state = states.get(socket);
      if (state && state.active.size > 0) metrics.subscriptionsActive.dec(state.active.size);
      states.delete(socket);
      void closed(code, String(reason));
    });
  };

  server.on('upgrade', onUpgrade);
  wss.on('error', (err) => logger.error({ err: err.message }, 'WebSocket server error'));

  return {
    wss,
    /** Ends every connection with 1001 (going away) and waits briefly for the close handshakes. */
    async close(graceMs = 1000): Promise<void> {
      server.off('upgrade', onUpgrade);
      const sockets = [...wss.clients];
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === socket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                socket.terminate();
                resolve();
              }, graceMs);
              timer.unref();
              socket.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              socket.close(1001, 'Going away');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
