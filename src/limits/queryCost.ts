import { MAX_PAGE_SIZE } from '../resolvers/connections';
import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromAST,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A list-of-ids argument (e.g. `nodes(ids:)`): each id is one more read. */
function isIdList(arg: GraphQLArgument): boolean {
  const type = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
  return arg.name === 'ids' && isListType(type);
}

/**
 * The contract's cost model (§4): every field costs 1; a field taking `first` costs `first`
 * (its default when omitted; a variable counts with its value) times the cost of its
 * selection; a field taking a list of ids costs that list's length times its selection.
 * Computed with the request's variables, so it runs after validation. Each fragment is costed
 * once (its type condition fixes its parent type), so the work is linear in the document even
 * when fragments spread each other exponentially often.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  const argumentValue = (arg: GraphQLArgument, given: ReadonlyArray<ArgumentNode>): unknown => {
    const node = given.find((a) => a.name.value === arg.name);
    return node ? valueFromAST(node.value, arg.type, variables) : arg.defaultValue;
  };

  const multiplierOf = (field: GraphQLField<unknown, unknown>, given: ReadonlyArray<ArgumentNode>): number | null => {
    const firstArg = field.args.find((a) => a.name === 'first');
    if (firstArg) {
      const value = argumentValue(firstArg, given);
      // Above the largest page any field allows, the field's resolver refuses it with BAD_USER_INPUT(first)
      // before any upstream call: it costs what that largest page would, so the caller learns the real mistake.
      if (typeof value === 'number' && value >= 0) return Math.min(value, MAX_PAGE_SIZE);
      return typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : 1;
    }
    const idsArg = field.args.find(isIdList);
    if (idsArg) {
      const value = argumentValue(idsArg, given);
      return Array.isArray(value) ? value.length : 1;
    }
    return null;
  };

  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();
  const fragmentCost = (name: string, fallback: GraphQLNamedType): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown or cyclic spreads fail validation before this runs; count them as free here.
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? fallback);
    inProgress.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  function costOf(selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType): number {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue; // introspection is not charged
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const inner = costOf(selection.selectionSet, getNamedType(field.type));
        const multiplier = multiplierOf(field, selection.arguments ?? []);
        total += multiplier !== null ? multiplier * Math.max(1, inner) : 1 + inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
        total += costOf(selection.selectionSet, type);
      } else {
        total += fragmentCost(selection.name.value, parent);
      }
    }
    return total;
  }

  return costOf(operation.selectionSet, root);
}
