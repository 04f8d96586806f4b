import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { responseReads } from '../cache/responseReads';
import type { GatewayContext } from '../context';
import { createCacheabilityCheck } from '../operations/cacheability';

/**
 * Apollo's half of the response cache (the HTTP half serves and stores, `http/responseCache.ts`):
 * it tells the request's recorder whether the operation may be cached at all (a query over
 * cacheable fields only) and whether it was answered without errors.
 */
export function responseCachePlugin(schema: GraphQLSchema): ApolloServerPlugin<GatewayContext> {
  const cacheable = createCacheabilityCheck(schema);
  return {
    async requestDidStart() {
      const reads = responseReads();
      if (!reads) return;
      return {
        async didResolveOperation({ document, operation }) {
          reads.operationName = operation?.name?.value ?? null;
          if (!operation || !cacheable(document, operation)) reads.refuse('not a query over cacheable fields', true);
        },
        async willSendResponse({ response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          if (!result || (result.errors && result.errors.length > 0) || result.extensions) reads.refuse('answered with errors or extensions');
          else reads.complete = true;
        },
      };
    },
  };
}
