import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { callContextOf } from '../callContext';

/**
 * Each attempt of an upstream call is a span of the caller's W3C trace: a `traceparent` with the
 * caller's trace id and a new span id goes upstream (the span id is also the call id in the log).
 */
export function traceContext(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const call = callContextOf(opts);
    if (!call?.trace) return dispatch(opts, handler);
    const spanId = randomBytes(8).toString('hex');
    const headers = { ...(opts.headers as Record<string, string>), traceparent: `00-${call.trace.traceId}-${spanId}-${call.trace.flags}` };
    return dispatch({ ...opts, headers }, handler);
  };
}

/** The span id an attempt carries (from its traceparent), for its log line. */
export function spanIdOf(opts: Dispatcher.DispatchOptions): string | undefined {
  const traceparent = (opts.headers as Record<string, string> | undefined)?.traceparent;
  return traceparent?.split('-')[2];
}
