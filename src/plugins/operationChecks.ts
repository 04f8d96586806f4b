import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { checkOperation } from '../operations/checkOperation';

/** Runs the shared operation checks (transport, role, cost) once the operation is known. */
export function operationChecksPlugin(costLimit: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const refusal = checkOperation({
            schema,
            document,
            operation,
            variables: request.variables ?? {},
            caller: contextValue.caller,
            transport: 'http',
            costLimit,
            logger: contextValue.logger,
          });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
