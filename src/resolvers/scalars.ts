import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { formatInstant } from '../instant';
import type { Instant } from '../model';

function isInstant(value: unknown): value is Instant {
  return typeof value === 'object' && value !== null && typeof (value as Instant).epochMs === 'number';
}

/**
 * DateTime prints UTC with milliseconds. Inputs pass through as text: the resolver that uses one
 * parses it and names the argument in its BAD_USER_INPUT error (contract §4).
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  serialize(value) {
    if (isInstant(value)) return formatInstant(value);
    throw new GraphQLError('DateTime cannot represent this value');
  },
  parseValue(value) {
    if (typeof value !== 'string') throw new GraphQLError('DateTime must be a string');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return ast.value;
  },
});
