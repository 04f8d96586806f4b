import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { SecretRedactor } from '../redaction';

/**
 * Adds one error per failed source to a response whose data came from the other sources
 * (contract §4, partial results). Messages are the gateway's own, never upstream bodies.
 */
export function partialFailuresPlugin(redactor: SecretRedactor): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const failures = contextValue.partialFailures.failures;
          if (failures.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [
            ...(result.errors ?? []),
            ...failures.map(({ error, path }) => ({ message: redactor.scrub(error.message), path: [...path], extensions: { ...error.extensions } })),
          ];
        },
      };
    },
  };
}
