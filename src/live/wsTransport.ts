import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, type Server as GraphqlWsServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';

export interface WsTransportOptions {
  path: string;
  /** Largest message accepted (ws closes bigger ones with 1009 before reading them whole). */
  maxPayloadBytes: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** Which other origins' pages may open a connection (`server.cors`; null: none). */
  originAllowed: ((origin: string) => boolean) | null;
  /** Which Host headers are answered (`server.allowedHosts`; null: any). */
  hostAllowed: ((request: http.IncomingMessage) => boolean) | null;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Ping interval; a peer that misses a pong by the next ping is dropped. */
  keepAliveMs?: number;
}

/** What graphql-ws's server learns about each connection. */
export interface WsExtra {
  socket: WebSocket;
  request: http.IncomingMessage;
}

/** Message types a client may send (graphql-transport-ws); anything else is a protocol error. */
const CLIENT_MESSAGES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);

export function clientAddress(request: http.IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * Browsers send `Origin` on every WebSocket handshake and no CORS protects the answer, so the
 * gateway checks it as CORS would: the gateway's own pages (GraphiQL) and the configured origins
 * may connect; programs that send no Origin are not browsers and are not limited by it.
 */
function originPermitted(request: http.IncomingMessage, allowed: ((origin: string) => boolean) | null): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host !== '' && host.toLowerCase() === request.headers.host?.toLowerCase()) return true;
  return allowed !== null && allowed(origin);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

/**
 * Our WebSocket adapter for graphql-ws's `makeServer` (in place of its `use/ws`): messages are
 * capped in size before they are read, connections are capped in all and per client address
 * (refused at the upgrade), a client sending a server-only message type is closed with 4400
 * rather than answered with a stack trace, keep-alive pings drop dead peers, and every error goes
 * to the gateway's log. `onClose` hears each connection end.
 */
export function attachWsTransport(server: http.Server, graphqlWs: GraphqlWsServer<WsExtra>, options: WsTransportOptions, onClose: (socket: WebSocket) => void) {
  const { logger, metrics } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, handleProtocols });
  const perClient = new Map<string, number>();
  const keepAliveMs = options.keepAliveMs ?? 12_000;

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    if (url.pathname !== options.path) return refuseUpgrade(socket, 404, 'Not Found');
    if (options.hostAllowed && !options.hostAllowed(request)) return refuseUpgrade(socket, 403, 'Host not allowed');
    if (!originPermitted(request, options.originAllowed)) return refuseUpgrade(socket, 403, 'Origin not allowed');
    const address = clientAddress(request);
    if (wss.clients.size >= options.maxConnections) return refuseUpgrade(socket, 503, 'Too many WebSocket connections');
    if ((perClient.get(address) ?? 0) >= options.maxConnectionsPerClient) return refuseUpgrade(socket, 429, 'Too many WebSocket connections from this address');
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, address));
  };

  const accept = (socket: WebSocket, request: http.IncomingMessage, address: string) => {
    perClient.set(address, (perClient.get(address) ?? 0) + 1);
    metrics.websocketConnections.inc();
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
            const text = isBinary ? '' : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
            const type = messageType(text);
            if (type !== undefined && !CLIENT_MESSAGES.has(type))
              return socket.close(CloseCode.BadRequest, `A client may not send '${type.slice(0, 32)}' messages`);
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
      onClose(socket);
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
      await Promise.all([...wss.clients].map((socket) => closeGoingAway(socket, graceMs)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The message's `type`, when it is a JSON object with a string one (graphql-ws answers malformed messages itself). */
function messageType(text: string): string | undefined {
  try {
    const type = (JSON.parse(text) as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

function closeGoingAway(socket: WebSocket, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
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
  });
}
