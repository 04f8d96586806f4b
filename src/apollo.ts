import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { limitValidationRules } from './limits/queryLimits';
import type { Logger } from './logger';
import type { GatewayMetrics, OperationLabels } from './metrics';
import { createFormatError } from './plugins/formatError';
import { operationChecksPlugin } from './plugins/operationChecks';
import { partialFailuresPlugin } from './plugins/partialFailures';
import { requestMetricsPlugin } from './plugins/requestMetrics';
import type { SecretRedactor } from './redaction';

/** Apollo Server over the gateway's schema, with the contract's limits and the gateway's plugins. */
export function createApolloServer(
  schema: GraphQLSchema,
  config: GatewayConfig,
  deps: { logger: Logger; redactor: SecretRedactor; metrics: GatewayMetrics; operationLabels: OperationLabels },
): ApolloServer<GatewayContext> {
  const { limits } = config.server;
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
    csrfPrevention: true,
    formatError: createFormatError(deps.logger, deps.redactor),
    // No cache hints are used: the cache-control plugin would only cost time on every field.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationChecksPlugin(limits.cost),
      partialFailuresPlugin(deps.redactor),
      requestMetricsPlugin(deps.metrics, deps.operationLabels),
    ],
  });
}
