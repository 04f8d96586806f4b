import {
  getNamedType,
  Kind,
  OperationTypeNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * Types every field of which is data from the session index or from the entity cache (which
 * tells an answer its expiry), so an answer made of them can be cached until either changes.
 * Deliberately a list of what is known to be safe: a new type (or a root field) is not cacheable
 * until someone adds it here after checking where its data comes from.
 */
const CACHEABLE_TYPES = new Set([
  'RestoreSession',
  'GraphRestoreSession',
  'VeeamRestoreSession',
  'RestoreSessionConnection',
  'RestoreSessionEdge',
  'PageInfo',
  'RestoreProgress',
  'RestoreSessionStats',
  'StatusCount',
  'VendorCount',
  'WorkloadCount',
  'SourceCount',
  'GraphRestoreSessionArtifactCount',
  'GraphIdentity',
  'GraphIdentitySet',
  'GraphPublicError',
  'GraphPublicErrorDetail',
  'GraphRestoreArtifact',
  'GraphRestoreArtifactEdge',
  'GraphRestoreArtifactConnection',
  'VeeamRestoreSessionEvent',
  'VeeamRestoreSessionEventEdge',
  'VeeamRestoreSessionEventConnection',
]);

/**
 * Single fields of other types. Left out on purpose: `Source.health`, `lastError` and `sync`
 * change with every upstream call and with time (`lagSeconds`), not with the index's content.
 */
const CACHEABLE_FIELDS = new Set([
  'Query.restoreSessions',
  'Query.restoreSessionStats',
  'Query.restoreSession',
  'Query.node',
  'Query.nodes',
  'Query.sources',
  'Node.id',
  'Source.id',
  'Source.name',
  'Source.vendor',
  'VeeamOrganization.id',
  'VeeamOrganization.name',
  'VeeamOrganization.type',
]);

/**
 * Whether the answer to this operation may be cached: a query whose every field (fragments
 * included) is in the lists above. Decided from the document alone, so it is computed once per
 * parsed document (Apollo keeps parsed documents, so the same text gives the same object).
 */
export function createCacheabilityCheck(schema: GraphQLSchema): (document: DocumentNode, operation: OperationDefinitionNode) => boolean {
  const decided = new WeakMap<DocumentNode, Map<OperationDefinitionNode, boolean>>();
  return (document, operation) => {
    let byOperation = decided.get(document);
    if (!byOperation) decided.set(document, (byOperation = new Map<OperationDefinitionNode, boolean>()));
    let cacheable = byOperation.get(operation);
    if (cacheable === undefined) {
      cacheable = operation.operation === OperationTypeNode.QUERY && onlyCacheableFields(schema, document, operation);
      byOperation.set(operation, cacheable);
    }
    return cacheable;
  };
}

function onlyCacheableFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let cacheable = true;
  // The operation and every fragment (a fragment another operation uses only costs a little caution).
  const definitions = document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION);
  visit(
    { kind: Kind.DOCUMENT, definitions },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value.startsWith('__')) {
          // __typename is data; introspection (__schema, __type) is not worth caching here.
          if (node.name.value !== '__typename') cacheable = false;
          return;
        }
        const parent = typeInfo.getParentType();
        const parentName = parent ? getNamedType(parent).name : '';
        if (!CACHEABLE_TYPES.has(parentName) && !CACHEABLE_FIELDS.has(`${parentName}.${node.name.value}`)) cacheable = false;
      },
    }),
  );
  return cacheable;
}
