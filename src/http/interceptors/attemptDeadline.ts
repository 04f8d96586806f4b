import type { Dispatcher } from 'undici';
import { callContextOf } from '../callContext';
import { ForwardingHandler } from './forwardingHandler';

type Controller = Dispatcher.DispatchController;

/** An attempt that took longer than the source's total timeout. */
export class AttemptTimeoutError extends Error {
  readonly code = 'ATTEMPT_TIMEOUT';
  constructor(readonly ms: number) {
    super(`the attempt took longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Bounds each attempt (connect, first byte and body together) by `totalMs`, plus the long poll's
 * own wait for calls that ask the upstream to hold the answer; undici's header and body timeouts
 * only bound silences. Inside the retry interceptor, so every retry gets its own deadline.
 */
export function attemptDeadline(totalMs: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const ms = totalMs + (callContextOf(opts)?.longPollMs ?? 0);
    let timer: NodeJS.Timeout | null = null;
    const clear = () => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
    return dispatch(
      opts,
      new (class extends ForwardingHandler {
        override onRequestStart(controller: Controller, context: unknown): void {
          timer ??= setTimeout(() => controller.abort(new AttemptTimeoutError(ms)), ms);
          timer.unref();
          super.onRequestStart(controller, context);
        }
        override onResponseEnd(controller: Controller, trailers: Parameters<ForwardingHandler['onResponseEnd']>[1]): void {
          clear();
          super.onResponseEnd(controller, trailers);
        }
        override onResponseError(controller: Controller, error: Error): void {
          clear();
          super.onResponseError(controller, error);
        }
      })(handler),
    );
  };
}
