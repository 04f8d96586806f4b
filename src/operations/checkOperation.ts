import { GraphQLError, Kind, OperationTypeNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Caller } from '../auth/callerAuth';
import { ErrorCode } from '../errors';
import { operationCost } from '../limits/queryCost';
import type { Logger } from '../logger';

export interface OperationCheckInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  caller: Caller;
  /** HTTP cannot carry subscriptions; WebSocket carries everything. */
  transport: 'http' | 'ws';
  costLimit: number;
  /** Where a refused mutation's audit line goes. */
  logger: Logger;
}

/**
 * The checks every operation passes before anything runs, the same for HTTP (Apollo plugin) and
 * WebSocket (graphql-ws `onSubscribe`): the transport can carry it, the caller's role allows it,
 * and its cost is within the limit. Returns the refusal, or null.
 */
export function checkOperation(input: OperationCheckInput): GraphQLError | null {
  const { operation, caller } = input;
  const kind = operation.operation;
  if (kind === OperationTypeNode.SUBSCRIPTION && input.transport === 'http') {
    return new GraphQLError(
      'Subscriptions run over WebSocket with the graphql-ws protocol (graphql-transport-ws) on this same /graphql path; they cannot be sent as an HTTP request.',
      {
        extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } },
      },
    );
  }
  const needed = kind === OperationTypeNode.MUTATION ? 'operator' : 'reader';
  if (!(caller.role === 'operator' || (caller.role === 'reader' && needed === 'reader'))) {
    if (kind === OperationTypeNode.MUTATION) {
      const actions = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
      input.logger.warn(
        { audit: true, action: actions.join(',') || 'mutation', caller: caller.id, role: caller.role, outcome: ErrorCode.FORBIDDEN },
        'audit: mutation refused',
      );
    }
    return new GraphQLError(`This ${kind} needs the ${needed} role.${caller.refusal ? ` ${caller.refusal}` : ''}`, {
      extensions: { code: ErrorCode.FORBIDDEN, http: { status: 200 } },
    });
  }
  const cost = operationCost(input.schema, input.document, operation, input.variables);
  if (cost > input.costLimit)
    return new GraphQLError(`Query cost limit of ${input.costLimit} exceeded, found ${cost}.`, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } },
    });
  return null;
}
