import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { limitValidationRules } from './limits/queryLimits';
import type { Logger } from './logger';
import type { PersistedDocuments } from './operations/persistedDocuments';
import type { GatewayMetrics, OperationLabels } from './metrics';
import { createFormatError } from './plugins/formatError';
import { operationChecksPlugin } from './plugins/operationChecks';
import { partialFailuresPlugin } from './plugins/partialFailures';
import { requestMetricsPlugin } from './plugins/requestMetrics';
import { responseCachePlugin } from './plugins/responseCache';
import type { SecretRedactor } from './redaction';

/** A registered automatic persisted query is kept a day after its last registration. */
const APQ_TTL_SECONDS = 86_400;

/** Apollo Server over the gateway's schema, with the contract's limits and the gateway's plugins. */
export function createApolloServer(
  schema: GraphQLSchema,
  config: GatewayConfig,
  deps: {
    logger: Logger;
    redactor: SecretRedactor;
    metrics: GatewayMetrics;
    operationLabels: OperationLabels;
    persisted: PersistedDocuments | null;
    /** Where automatic persisted queries live: Redis when configured, else Apollo's bounded in-memory LRU. */
    apqCache: KeyValueCache<string> | undefined;
    /** Whether the response cache is on (its Apollo half then runs on every request). */
    responseCache: boolean;
  },
): ApolloServer<GatewayContext> {
  const { limits } = config.server;
  // Automatic persisted queries would let any caller register new documents: off in allow-list mode.
  const persistedQueries = deps.persisted?.mode === 'allowList' ? (false as const) : { cache: deps.apqCache, ttl: APQ_TTL_SECONDS };
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    // The gateway drains on SIGTERM itself (main.ts); Apollo's own handlers would cut requests off.
    stopOnTerminationSignals: false,
    // Over the token limit the parser stops early: GRAPHQL_PARSE_FAILED (contract §4).
    parseOptions: { maxTokens: limits.tokens },
    validationRules: limitValidationRules(limits),
    // One operation per HTTP request: a batch cannot multiply the limits below.
    allowBatchedHttpRequests: false,
    persistedQueries,
    csrfPrevention: true,
    formatError: createFormatError(deps.logger, deps.redactor),
    // No cache hints are used: the cache-control plugin would only cost time on every field.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationChecksPlugin(limits.cost),
      partialFailuresPlugin(deps.redactor),
      requestMetricsPlugin(deps.metrics, deps.operationLabels),
      ...(deps.responseCache ? [responseCachePlugin(schema)] : []),
    ],
  });
}
