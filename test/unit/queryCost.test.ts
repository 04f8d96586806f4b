import { makeExecutableSchema } from '@graphql-tools/schema';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { operationCost } from '../../src/limits/queryCost';
import { loadTypeDefs } from '../../src/schema';

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return operationCost(schema, document, document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode, variables);
};

describe('query cost (contract §4)', () => {
  it('charges every field 1 and a field with `first` first × its selection (default 50; variables by value)', () => {
    expect(cost('{ sources { id name } }')).toBe(3);
    expect(cost('{ restoreSessions(first: 10) { nodes { id status } } }')).toBe(10 * 3);
    expect(cost('{ restoreSessions { nodes { id } } }')).toBe(50 * 2);
    expect(cost('query($n: Int) { restoreSessions(first: $n) { nodes { id } } }', { n: 7 })).toBe(7 * 2);
  });

  it('charges nodes(ids) by the number of ids, and not introspection', () => {
    expect(cost('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b', 'c'] })).toBe(3);
    expect(cost('{ __schema { types { name } } sources { id } }')).toBe(2);
  });

  it('costs each fragment once: 2^30 spreads are computed in linear time', () => {
    let query = 'query Q { sources { ...F0 } }\n';
    for (let i = 0; i < 30; i++) query += `fragment F${i} on Source { id ...F${i + 1} ...F${i + 1} }\n`;
    query += 'fragment F30 on Source { id }\n';
    expect(cost(query)).toBe(2 ** 31);
  });
});
