/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DashboardSessions($first: Int!, $after: String, $filter: RestoreSessionFilter) {\n    restoreSessions(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n": typeof types.DashboardSessionsDocument,
    "\n  subscription DashboardSessionChanged($filter: RestoreSessionFilter) {\n    restoreSessionChanged(filter: $filter) {\n      kind\n      session {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n": typeof types.DashboardSessionChangedDocument,
    "\n  query DashboardOverview($filter: RestoreSessionFilter) {\n    restoreSessionStats(filter: $filter) {\n      total\n      byStatus {\n        status\n        count\n      }\n      bySource {\n        source {\n          id\n          name\n        }\n        count\n      }\n    }\n    sources {\n      id\n      name\n      vendor\n      health\n      lastError\n      sync {\n        state\n        sessions\n        lagSeconds\n      }\n    }\n  }\n": typeof types.DashboardOverviewDocument,
    "\n  subscription DashboardSessionProgress($id: ID!) {\n    restoreSessionProgress(id: $id) {\n      id\n      status\n      isTerminal\n      progress {\n        percent\n        completed\n        failed\n        total\n      }\n    }\n  }\n": typeof types.DashboardSessionProgressDocument,
};
const documents: Documents = {
    "\n  query DashboardSessions($first: Int!, $after: String, $filter: RestoreSessionFilter) {\n    restoreSessions(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n": types.DashboardSessionsDocument,
    "\n  subscription DashboardSessionChanged($filter: RestoreSessionFilter) {\n    restoreSessionChanged(filter: $filter) {\n      kind\n      session {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n": types.DashboardSessionChangedDocument,
    "\n  query DashboardOverview($filter: RestoreSessionFilter) {\n    restoreSessionStats(filter: $filter) {\n      total\n      byStatus {\n        status\n        count\n      }\n      bySource {\n        source {\n          id\n          name\n        }\n        count\n      }\n    }\n    sources {\n      id\n      name\n      vendor\n      health\n      lastError\n      sync {\n        state\n        sessions\n        lagSeconds\n      }\n    }\n  }\n": types.DashboardOverviewDocument,
    "\n  subscription DashboardSessionProgress($id: ID!) {\n    restoreSessionProgress(id: $id) {\n      id\n      status\n      isTerminal\n      progress {\n        percent\n        completed\n        failed\n        total\n      }\n    }\n  }\n": types.DashboardSessionProgressDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSessions($first: Int!, $after: String, $filter: RestoreSessionFilter) {\n    restoreSessions(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardSessions($first: Int!, $after: String, $filter: RestoreSessionFilter) {\n    restoreSessions(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardSessionChanged($filter: RestoreSessionFilter) {\n    restoreSessionChanged(filter: $filter) {\n      kind\n      session {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardSessionChanged($filter: RestoreSessionFilter) {\n    restoreSessionChanged(filter: $filter) {\n      kind\n      session {\n        id\n        vendor\n        status\n        workload\n        isTerminal\n        createdAt\n        initiatedBy\n        progress {\n          percent\n          completed\n          failed\n          total\n        }\n        source {\n          id\n          name\n        }\n        ... on GraphRestoreSession {\n          graphStatus\n        }\n        ... on VeeamRestoreSession {\n          name\n          organizationName\n          state\n          result\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardOverview($filter: RestoreSessionFilter) {\n    restoreSessionStats(filter: $filter) {\n      total\n      byStatus {\n        status\n        count\n      }\n      bySource {\n        source {\n          id\n          name\n        }\n        count\n      }\n    }\n    sources {\n      id\n      name\n      vendor\n      health\n      lastError\n      sync {\n        state\n        sessions\n        lagSeconds\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardOverview($filter: RestoreSessionFilter) {\n    restoreSessionStats(filter: $filter) {\n      total\n      byStatus {\n        status\n        count\n      }\n      bySource {\n        source {\n          id\n          name\n        }\n        count\n      }\n    }\n    sources {\n      id\n      name\n      vendor\n      health\n      lastError\n      sync {\n        state\n        sessions\n        lagSeconds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardSessionProgress($id: ID!) {\n    restoreSessionProgress(id: $id) {\n      id\n      status\n      isTerminal\n      progress {\n        percent\n        completed\n        failed\n        total\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardSessionProgress($id: ID!) {\n    restoreSessionProgress(id: $id) {\n      id\n      status\n      isTerminal\n      progress {\n        percent\n        completed\n        failed\n        total\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;