import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, GatewayError } from '../errors';
import type { Logger } from '../logger';
import type { SecretRedactor } from '../redaction';

/** Codes that Apollo Server itself sets and that are safe to pass on as they are. */
const APOLLO_CODES: ReadonlySet<string> = new Set([
  ErrorCode.FORBIDDEN,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.QUERY_TOO_COMPLEX,
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ErrorCode.PERSISTED_QUERY_ID_REQUIRED,
  ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
]);

/**
 * Known codes pass; anything else is a bug and is masked as INTERNAL_SERVER_ERROR (the original
 * goes to the log, never to the caller).
 */
export function createFormatError(logger: Logger, redactor: SecretRedactor) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, message: redactor.scrub(result.message) };
  };

  function format(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    if (original instanceof GatewayError) return { ...formatted, message: original.message, extensions: { ...original.extensions } };
    // Apollo re-wraps validation errors as GRAPHQL_VALIDATION_FAILED; a limit rule's own code is kept.
    const inner = error instanceof GraphQLError ? error.originalError : undefined;
    if (inner instanceof GraphQLError && inner.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX)
      return { ...formatted, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && APOLLO_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original }, 'unexpected error in a GraphQL request');
    return { message: 'Internal server error.', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}
