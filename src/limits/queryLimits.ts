import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { GatewayContext } from '../context';
import { ErrorCode } from '../errors';
import { operationCost } from './queryCost';

export interface QueryLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  cost: number;
}

/** Contract §4 defaults. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { depth: 12, aliases: 30, directives: 20, tokens: 5000, cost: 50_000 };

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

/** The cost limit needs the request's variables, so it runs once the operation is resolved. */
export function costLimitPlugin(limit: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables ?? {});
          if (cost > limit) throw tooComplex(`Query cost limit of ${limit} exceeded, found ${cost}.`);
        },
      };
    },
  };
}
