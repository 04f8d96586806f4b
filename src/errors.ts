import { GraphQLError } from 'graphql';
import type { VendorValue } from './model';

/** The contract's error codes (contract §4). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'INVALID_STATE',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_THROTTLED: 'UPSTREAM_THROTTLED',
  UPSTREAM_AUTH_FAILED: 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The HTTP request itself is malformed (not JSON, too large, a subscription over HTTP). */
  BAD_REQUEST: 'BAD_REQUEST',
  SOURCE_WARMING_UP: 'SOURCE_WARMING_UP',
  PERSISTED_QUERY_ID_REQUIRED: 'PERSISTED_QUERY_ID_REQUIRED',
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** Apollo's own codes, passed on as they are. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface GatewayErrorExtensions {
  argument?: string;
  sourceId?: string;
  vendor?: VendorValue;
  upstreamStatus?: number;
  upstreamCode?: string;
  retryAfterSeconds?: number;
  status?: string;
  /** SOURCE_WARMING_UP: sessions read so far by the source's first read. */
  sessionsLoaded?: number;
}

/**
 * The one error class the gateway throws on purpose. Its message is written for the caller and
 * never carries upstream bodies, tokens or secrets; `extensions` carry the contract's fields.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCodeValue;

  constructor(code: ErrorCodeValue, message: string, extensions: GatewayErrorExtensions = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.code = code;
    this.name = 'GatewayError';
  }
}

/** Which source an error is about: its id and vendor (the contract puts both in `extensions`). */
export interface SourceRef {
  id: string;
  vendor: VendorValue;
}

/** An upstream failure, tied to the source it came from. */
export type UpstreamErrorCode =
  typeof ErrorCode.UPSTREAM_UNAVAILABLE | typeof ErrorCode.UPSTREAM_THROTTLED | typeof ErrorCode.UPSTREAM_AUTH_FAILED | typeof ErrorCode.UPSTREAM_ERROR;
export type UpstreamErrorExtensions = GatewayErrorExtensions & { sourceId: string; vendor: VendorValue };

export class UpstreamError extends GatewayError {
  declare readonly code: UpstreamErrorCode;

  constructor(
    code: UpstreamErrorCode,
    message: string,
    readonly details: UpstreamErrorExtensions,
  ) {
    super(code, message, details);
    this.name = 'UpstreamError';
  }
}

/**
 * An upstream item the gateway cannot map (an unknown type it has no value for, a missing id):
 * thrown by mappers, reported as the source being unavailable. Any other exception in a mapper is
 * a gateway bug and surfaces as INTERNAL_SERVER_ERROR, never blamed on the upstream.
 */
export class UnmappableItemError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'UnmappableItemError';
  }
}

const ref = (source: SourceRef) => ({ sourceId: source.id, vendor: source.vendor });

/** Upstream failures, worded in one place: `upstreamError.unavailable(source, 'sent malformed JSON')`. */
export const upstreamError = {
  /** Down, timed out, 5xx after retries, or an answer the gateway cannot use; `what` completes "it ...". */
  unavailable: (source: SourceRef, what: string, upstreamStatus?: number) =>
    new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${source.id}' is unavailable: it ${what}.`, {
      ...ref(source),
      ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
    }),
  throttled: (source: SourceRef, retryAfterSeconds: number) =>
    new UpstreamError(ErrorCode.UPSTREAM_THROTTLED, `Source '${source.id}' is throttling requests.`, { ...ref(source), retryAfterSeconds }),
  /** The gateway's own credentials were refused; `by` names who refused when it is not the API itself. */
  authFailed: (source: SourceRef, detail: { by?: string; upstreamStatus?: number; upstreamCode?: string } = {}) =>
    new UpstreamError(
      ErrorCode.UPSTREAM_AUTH_FAILED,
      `Source '${source.id}'${detail.by ? `: ${detail.by}` : ''} refused the gateway's credentials${detail.upstreamCode ? ` (${detail.upstreamCode})` : ''}.`,
      {
        ...ref(source),
        ...(detail.upstreamStatus !== undefined ? { upstreamStatus: detail.upstreamStatus } : {}),
        ...(detail.upstreamCode !== undefined ? { upstreamCode: detail.upstreamCode } : {}),
      },
    ),
  /** Any other 4xx. */
  refused: (source: SourceRef, upstreamStatus: number, upstreamCode?: string) =>
    new UpstreamError(
      ErrorCode.UPSTREAM_ERROR,
      `Source '${source.id}' refused the request (HTTP ${upstreamStatus}${upstreamCode ? `, ${upstreamCode}` : ''}).`,
      { ...ref(source), upstreamStatus, upstreamCode },
    ),
  /** A circuit open after repeated failures answers with the code of the failure that opened it. */
  circuitOpen: (opening: UpstreamError, remainingSeconds: number) => {
    const details = { ...opening.details };
    if (details.retryAfterSeconds !== undefined) details.retryAfterSeconds = Math.max(details.retryAfterSeconds, remainingSeconds);
    return new UpstreamError(
      opening.code,
      `${opening.message.replace(/\.$/, '')}; the gateway is not calling it for ${remainingSeconds} s after repeated failures.`,
      details,
    );
  },
};

/** Errors about a source's index rather than one upstream call. */
export const sourceError = {
  warmingUp: (source: SourceRef, sessionsLoaded: number) =>
    new GatewayError(ErrorCode.SOURCE_WARMING_UP, `Source '${source.id}' is still reading its sessions for the first time; try again shortly.`, {
      ...ref(source),
      sessionsLoaded,
    }),
  /** A bug of the gateway's own while reading a source (details only in the log). */
  internal: (source: SourceRef) =>
    new GatewayError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      `Source '${source.id}' could not be read because of an error in the gateway (details are in its log).`,
      ref(source),
    ),
};

/** Errors about what the caller asked for. */
export function badUserInput(argument: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, { argument });
}

export function notFound(sourceId: string, what: string): GatewayError {
  return new GatewayError(ErrorCode.NOT_FOUND, `${what} does not exist.`, { sourceId });
}
