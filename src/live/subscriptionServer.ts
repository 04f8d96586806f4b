import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Caller, CallerAuthenticator } from '../auth/callerAuth';
import type { EntityCache } from '../cache/entityCache';
import { PartialFailures, RequestLoaders, type GatewayContext, type GatewayServices } from '../context';
import { ErrorCode } from '../errors';
import { limitValidationRules, type QueryLimits } from '../limits/queryLimits';
import { operationCost } from '../limits/queryCost';
import type { Logger } from '../logger';
import type { SourceConnector } from '../sources/connector';

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  authenticator: CallerAuthenticator;
  limits: QueryLimits;
  maxPerConnection: number;
  logger: Logger;
  connectors: ReadonlyMap<string, SourceConnector>;
  cache: EntityCache;
}

interface ConnectionState {
  caller: Caller;
  active: Set<string>;
}

const codeError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * graphql-ws on the gateway's own HTTP server and /graphql path. Caller credentials come in the
 * `connection_init` payload (`x-api-key`, or `authorization` as over HTTP); a refused connection
 * closes with 4403. Each subscription is checked like a query (reader role, limits) and a
 * connection may hold at most `maxPerConnection` of them.
 */
export function createSubscriptionServer(server: http.Server, options: SubscriptionServerOptions) {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const states = new WeakMap<object, ConnectionState>();
  const rules = [...specifiedRules, ...limitValidationRules(options.limits)];
  const disposable = useServer<Record<string, unknown>, { state?: ConnectionState }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (name: string) => {
          const value = params[name] ?? params[name.toLowerCase()] ?? (params.headers as Record<string, unknown> | undefined)?.[name];
          return typeof value === 'string' ? value : undefined;
        };
        try {
          const caller = await options.authenticator.authenticate({ authorization: header('authorization') ?? header('Authorization'), apiKey: header('x-api-key') });
          states.set(ctx.extra, { caller, active: new Set() });
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (ctx, id, payload) => {
        const state = states.get(ctx.extra) as ConnectionState;
        if (state.caller.role === null) return [codeError('Subscriptions need the reader role.', ErrorCode.FORBIDDEN)];
        if (state.active.size >= options.maxPerConnection) return [codeError(`At most ${options.maxPerConnection} subscriptions per connection.`, ErrorCode.QUERY_TOO_COMPLEX)];
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.limits.tokens });
        } catch (err) {
          return [codeError((err as Error).message, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
        if (operation && operation.kind === 'OperationDefinition') {
          if (operation.operation === 'mutation' && state.caller.role !== 'operator') return [codeError('This mutation needs the operator role.', ErrorCode.FORBIDDEN)];
          const cost = operationCost(options.schema, document, operation, payload.variables ?? {});
          if (cost > options.limits.cost) return [codeError(`Query cost limit of ${options.limits.cost} exceeded, found ${cost}.`, ErrorCode.QUERY_TOO_COMPLEX)];
        }
        state.active.add(id);
        const requestId = randomUUID();
        const logger = options.logger.child({ requestId, subscription: id });
        const contextValue: GatewayContext = { requestId, caller: state.caller, logger, services: options.services, loaders: new RequestLoaders(options.connectors, options.cache), partialFailures: new PartialFailures(logger) };
        const args: ExecutionArgs = { schema: options.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
        return args;
      },
      onComplete: (ctx, id) => {
        states.get(ctx.extra)?.active.delete(id);
      },
      onError: (_ctx, _id, _payload, errors) => {
        options.logger.debug({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    },
    wss,
  );
  return { dispose: () => disposable.dispose(), wss };
}
