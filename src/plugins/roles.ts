import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';
import { ErrorCode } from '../errors';

/**
 * Queries need the reader role (an operator reads too), mutations the operator role. A caller
 * with too low a role gets FORBIDDEN in a 200 response (contract §4); nothing runs.
 */
export function rolesPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const role = contextValue.caller.role;
          const kind = operation?.operation ?? 'query';
          const needed = kind === 'mutation' ? 'operator' : 'reader';
          if (role === 'operator' || (role === 'reader' && needed === 'reader')) return;
          throw new GraphQLError(`This ${kind} needs the ${needed} role.`, { extensions: { code: ErrorCode.FORBIDDEN, http: { status: 200 } } });
        },
      };
    },
  };
}
