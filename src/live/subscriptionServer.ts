import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, Kind, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { makeServer, type SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Caller, CallerAuthenticator } from '../auth/callerAuth';
import { createContext, type GatewayServices } from '../context';
import { ErrorCode } from '../errors';
import { checkDocumentText } from '../limits/documentGuard';
import { limitValidationRules, type QueryLimits } from '../limits/queryLimits';
import { checkOperation } from '../operations/checkOperation';
import type { PersistedDocuments } from '../operations/persistedDocuments';
import { attachWsTransport, clientAddress, type WsExtra, type WsTransportOptions } from './wsTransport';

export interface SubscriptionServerOptions extends WsTransportOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  authenticator: CallerAuthenticator;
  limits: QueryLimits;
  maxPerConnection: number;
  /** The manifest, when persisted documents are configured: ids resolve, and allow-list mode refuses the rest. */
  persisted: PersistedDocuments | null;
}

interface ConnectionState {
  caller: Caller | null;
  active: Set<string>;
}

const codeError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** A credential from the `connection_init` payload: `x-api-key` or `authorization`, flat or under `headers`. */
function credential(params: Record<string, unknown>, name: string): string | undefined {
  const nested = params.headers;
  const value = params[name] ?? params[name.toLowerCase()] ?? (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[name] : undefined);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The text a subscribe message runs. graphql-ws requires `query` to be a string, so a client
 * naming a persisted document sends an empty one with `documentId` beside it or Apollo's
 * `extensions.persistedQuery.sha256Hash`. There are no automatic persisted queries over WebSocket.
 */
function documentOf(payload: SubscribePayload & { documentId?: unknown }, persisted: PersistedDocuments | null): string | GraphQLError {
  if (!persisted) return payload.query;
  const resolution = persisted.resolve({
    query: payload.query === '' ? undefined : payload.query,
    documentId: payload.documentId,
    extensions: payload.extensions,
  });
  if (resolution.kind === 'document') return resolution.query;
  if (resolution.kind === 'refused') return codeError(resolution.message, resolution.code);
  // An Apollo hash the manifest does not know; with no id at all, the (empty) text fails to parse.
  if (payload.extensions?.persistedQuery === undefined) return payload.query;
  return codeError('The document id is not in the persisted documents manifest.', ErrorCode.PERSISTED_QUERY_NOT_IN_LIST);
}

/**
 * graphql-ws on the gateway's own HTTP server and /graphql path. Credentials come in the
 * `connection_init` payload and are not kept; a refused connection closes with 4403. Each
 * subscription passes the same checks as a query over HTTP (document guard, parse with the token
 * limit, validation with the limit rules, then role and cost), and runs with a context made by
 * the one `createContext`; a connection holds at most `maxPerConnection` subscriptions.
 */
export function createSubscriptionServer(server: http.Server, options: SubscriptionServerOptions) {
  const { logger, metrics } = options;
  const states = new WeakMap<WebSocket, ConnectionState>();
  const rules = [...specifiedRules, ...limitValidationRules(options.limits)];

  const prepare = (state: ConnectionState, caller: Caller, id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
    if (state.active.size >= options.maxPerConnection)
      return [codeError(`At most ${options.maxPerConnection} subscriptions per connection.`, ErrorCode.QUERY_TOO_COMPLEX)];
    const query = documentOf(payload, options.persisted);
    if (typeof query !== 'string') return [query];
    const guard = checkDocumentText(query, payload.operationName);
    if (guard) return [guard];
    let document;
    try {
      document = parse(query, { maxTokens: options.limits.tokens });
    } catch (err) {
      return [codeError((err as Error).message, ErrorCode.GRAPHQL_PARSE_FAILED)];
    }
    const errors = validate(options.schema, document, rules);
    if (errors.length > 0) return errors;
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = payload.operationName
      ? operations.find((o) => o.name?.value === payload.operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    if (!operation)
      return [codeError(payload.operationName ? 'Unknown operation name.' : 'Give operationName: the document has several operations.', ErrorCode.BAD_REQUEST)];
    const contextValue = createContext(options.services, caller, { requestId: randomUUID(), subscriptionId: id });
    const variables = payload.variables ?? {};
    const refusal = checkOperation({
      schema: options.schema,
      document,
      operation,
      variables,
      caller,
      transport: 'ws',
      costLimit: options.limits.cost,
      logger: contextValue.logger,
    });
    if (refusal) return [refusal];
    state.active.add(id);
    metrics.subscriptionsActive.inc();
    return { schema: options.schema, document, variableValues: variables, operationName: payload.operationName, contextValue };
  };

  const graphqlWs = makeServer<Record<string, unknown>, WsExtra>({
    schema: options.schema,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      // The payload may hold credentials: it is read once here and not kept on the connection.
      (ctx as { connectionParams?: unknown }).connectionParams = undefined;
      const state: ConnectionState = { caller: null, active: new Set() };
      states.set(ctx.extra.socket, state);
      try {
        state.caller = await options.authenticator.authenticate({
          authorization: credential(params, 'authorization') ?? credential(params, 'Authorization'),
          apiKey: credential(params, 'x-api-key'),
        });
        return true;
      } catch (err) {
        logger.warn({ ip: clientAddress(ctx.extra.request), reason: (err as Error).message }, 'subscription connection refused: caller authentication failed');
        return false;
      }
    },
    onSubscribe: (ctx, id, payload) => {
      const state = states.get(ctx.extra.socket);
      if (!state?.caller) return [codeError('Not authenticated.', ErrorCode.UNAUTHENTICATED)];
      return prepare(state, state.caller, id, payload);
    },
    onComplete: (ctx, id) => {
      if (states.get(ctx.extra.socket)?.active.delete(id)) metrics.subscriptionsActive.dec();
    },
    onError: (_ctx, id, _payload, errors) => {
      logger.debug({ subscription: id, errors: errors.map((e) => e.message) }, 'subscription error');
    },
  });

  return attachWsTransport(server, graphqlWs, options, (socket) => {
    const state = states.get(socket);
    if (state && state.active.size > 0) metrics.subscriptionsActive.dec(state.active.size);
    states.delete(socket);
  });
}
