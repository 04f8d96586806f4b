import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config';
import { ErrorCode } from '../errors';

/** Contract §4 limits (defaults in config.ts). */
export type QueryLimits = GatewayConfig['server']['limits'];

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

/** Rejections are reported as QUERY_TOO_COMPLEX (not thrown), so every problem of a document is listed. */
const reportAs = (context: ValidationContext | null, error: GraphQLError) => context?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, '')));

/**
 * Depth (fields under `__schema`/`__type` exempt, so GraphiQL's introspection passes), alias and
 * directive limits as validation rules (graphql-armor), run once per distinct document.
 */
export function limitValidationRules(limits: QueryLimits): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true, onReject: [reportAs] };
  return [
    maxDepthRule({ n: limits.depth, ignoreIntrospection: true, flattenFragments: true, ...common }),
    maxAliasesRule({ n: limits.aliases, allowList: [], ...common }),
    maxDirectivesRule({ n: limits.directives, ...common }),
  ];
}
