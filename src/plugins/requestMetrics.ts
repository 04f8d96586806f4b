import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { GatewayMetrics } from '../metrics';

/** Operation names come from clients: keep the label set bounded and printable. */
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid';
}

/** Counts GraphQL requests by operation and outcome (ok, partial, error) and logs each one. */
export function requestMetricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, contextValue: ctx }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const errors = (result?.errors?.length ?? 0) + ctx.partialFailures.failures.length;
          const outcome = errors === 0 ? 'ok' : result?.data ? 'partial' : 'error';
          metrics.graphqlRequests.inc({ operation: operationLabel(operationName), outcome });
          contextValue.logger.info({ operation: operationName ?? null, outcome, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) }, 'graphql request');
        },
      };
    },
  };
}
