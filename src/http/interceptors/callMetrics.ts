import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../logger';
import type { GatewayMetrics } from '../../metrics';
import type { VendorValue } from '../../model';
import { callContextOf } from '../callContext';
import { ForwardingHandler } from './forwardingHandler';
import { spanIdOf } from './traceContext';

type Controller = Dispatcher.DispatchController;

/**
 * Every attempt that reaches the wire is counted and timed (`gateway_upstream_requests_total`,
 * `gateway_upstream_request_duration_seconds`) and logged: at debug when it answered, as a
 * warning with the cause when it failed or the upstream answered 5xx/429, at debug when we
 * cancelled it ourselves.
 */
export function callMetrics(
  source: { sourceId: string; vendor: VendorValue },
  metrics: GatewayMetrics,
  logger: Logger,
  describe: (err: unknown) => string,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const call = callContextOf(opts);
    const labels = { source: source.sourceId, vendor: source.vendor, route: call?.route ?? 'unknown' };
    const started = process.hrtime.bigint();
    let status = 'error';
    const finish = (error?: Error) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cancelled = call?.signal?.aborted === true;
      metrics.upstreamRequests.inc({ ...labels, status: cancelled ? 'cancelled' : status });
      metrics.upstreamDuration.observe(labels, seconds);
      const line = {
        requestId: call?.trace?.requestId,
        traceId: call?.trace?.traceId,
        callId: spanIdOf(opts),
        source: source.sourceId,
        route: labels.route,
        status,
        ms: Math.round(seconds * 1000),
      };
      if (cancelled) logger.debug(line, 'upstream call cancelled');
      else if (error || Number(status) >= 500 || status === '429') logger.warn({ ...line, error: error ? describe(error) : undefined }, 'upstream call failed');
      else logger.debug(line, 'upstream call');
    };
    return dispatch(
      opts,
      new (class extends ForwardingHandler {
        override onResponseStart(controller: Controller, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
          status = String(statusCode);
          super.onResponseStart(controller, statusCode, headers, statusMessage);
        }
        override onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
          finish();
          super.onResponseEnd(controller, trailers);
        }
        override onResponseError(controller: Controller, error: Error): void {
          finish(error);
          super.onResponseError(controller, error);
        }
      })(handler),
    );
  };
}
