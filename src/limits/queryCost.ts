import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The contract's cost model (§4): every field costs 1; a field taking `first` costs `first`
 * (its default when omitted; a variable counts with its value) times the cost of its
 * selection. Computed with the request's variables, so it runs after validation.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;

  const multiplierOf = (field: GraphQLField<unknown, unknown>, args: ReadonlyArray<{ name: { value: string }; value: import('graphql').ValueNode }>): number => {
    const firstArg = field.args.find((a) => a.name === 'first');
    if (!firstArg) return 1;
    const given = args.find((a) => a.name.value === 'first');
    const value = given ? valueFromAST(given.value, firstArg.type, variables) : firstArg.defaultValue;
    return typeof value === 'number' && value >= 0 ? value : typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : 1;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType, seen: ReadonlySet<string>): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue; // introspection is not charged
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const inner = costOf(selection.selectionSet, getNamedType(field.type), seen);
        const paged = field.args.some((a) => a.name === 'first');
        total += paged ? multiplierOf(field, selection.arguments ?? []) * Math.max(1, inner) : 1 + inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? parent : parent;
        total += costOf(selection.selectionSet, type, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        total += costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent, new Set([...seen, name]));
      }
    }
    return total;
  };

  return costOf(operation.selectionSet, root, new Set());
}
