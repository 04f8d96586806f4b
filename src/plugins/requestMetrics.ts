import type { ApolloServerPlugin } from '@apollo/server';
import type { Caller } from '../auth/callerAuth';
import type { GatewayContext } from '../context';
import { requestScope } from '../http/requestScope';
import type { Logger } from '../logger';
import type { GatewayMetrics, OperationLabels } from '../metrics';

/** One GraphQL request as the metrics and the request log see it. */
export interface RequestRecord {
  operationName: string | null | undefined;
  /** query, mutation, subscription, or unknown when it never resolved. */
  type: string;
  /** The distinct error codes of the answer. */
  codes: readonly string[];
  hasData: boolean;
  seconds: number;
  caller: Caller;
  /** Answered from the response cache (memory, shared, or a 304), not computed. */
  cached?: 'memory' | 'shared' | 'not_modified';
  /** The logger does not name the request already (no per-request child logger on the cached path). */
  withRequestIds?: boolean;
}

/**
 * Counts and times a request by operation (a bounded label set) and outcome (ok, partial, error),
 * and writes its log line with the caller and the error codes. Shared by Apollo's pipeline and
 * the response cache, so a cached answer is counted like a computed one.
 */
export function recordRequest(metrics: GatewayMetrics, labels: OperationLabels, logger: Logger, record: RequestRecord): void {
  const outcome = record.codes.length === 0 ? 'ok' : record.hasData ? 'partial' : 'error';
  metrics.graphqlRequests.inc({ operation: labels.labelFor(record.operationName), outcome });
  metrics.graphqlDuration.observe({ type: record.type, outcome }, record.seconds);
  // Cheap when the level is above info: no object is built.
  if (!logger.isLevelEnabled('info')) return;
  const scope = requestScope.getStore();
  logger.info(
    {
      ...(record.withRequestIds && scope ? { requestId: scope.requestId, traceId: scope.traceId } : {}),
      operation: record.operationName ?? null,
      caller: record.caller.id,
      role: record.caller.role,
      outcome,
      codes: record.codes.length > 0 ? record.codes : undefined,
      cached: record.cached,
      ms: Math.round(record.seconds * 1000),
    },
    'graphql request',
  );
}

/** Apollo's side of `recordRequest`: every request Apollo answers. */
export function requestMetricsPlugin(metrics: GatewayMetrics, labels: OperationLabels): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, operation, contextValue }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = [...new Set((result?.errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))];
          recordRequest(metrics, labels, contextValue.logger, {
            operationName,
            type: operation?.operation ?? 'unknown',
            codes,
            hasData: Boolean(result?.data),
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            caller: contextValue.caller,
          });
        },
      };
    },
  };
}
