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

export function badUserInput(argument: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, { argument });
}

/** An upstream failure, tied to the source it came from. */
export type UpstreamErrorCode = typeof ErrorCode.UPSTREAM_UNAVAILABLE | typeof ErrorCode.UPSTREAM_THROTTLED | typeof ErrorCode.UPSTREAM_AUTH_FAILED | typeof ErrorCode.UPSTREAM_ERROR;
export type UpstreamErrorExtensions = GatewayErrorExtensions & { sourceId: string; vendor: VendorValue };

export class UpstreamError extends GatewayError {
  constructor(
    readonly upstreamCode: UpstreamErrorCode,
    message: string,
    readonly details: UpstreamErrorExtensions,
  ) {
    super(upstreamCode, message, details);
    this.name = 'UpstreamError';
  }
}
