import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { GatewayMetrics, OperationLabels } from '../metrics';

/**
 * Counts and times GraphQL requests by operation (a bounded label set) and outcome (ok,
 * partial, error), and writes one log line per request with the caller and the error codes.
 */
export function requestMetricsPlugin(metrics: GatewayMetrics, labels: OperationLabels): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, operation, contextValue }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = [...new Set((result?.errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))];
          const outcome = codes.length === 0 ? 'ok' : result?.data ? 'partial' : 'error';
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlRequests.inc({ operation: labels.labelFor(operationName), outcome });
          metrics.graphqlDuration.observe({ type: operation?.operation ?? 'unknown', outcome }, seconds);
          const line = {
            operation: operationName ?? null,
            caller: contextValue.caller.id,
            role: contextValue.caller.role,
            outcome,
            codes: codes.length > 0 ? codes : undefined,
            ms: Math.round(seconds * 1000),
          };
          contextValue.logger.info(line, 'graphql request');
        },
      };
    },
  };
}
