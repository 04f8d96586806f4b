/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Microsoft Graph's restoreSessionStatus, as the upstream sent it (the vendor-neutral value is `status`). */
export type GraphRestoreSessionStatus =
  /** activating: activation called, artifacts being scheduled. Maps to ACTIVATING. */
  | 'ACTIVATING'
  /** active: some or all artifacts scheduled or in progress. Maps to RUNNING. */
  | 'ACTIVE'
  /** completed: every artifact succeeded. Maps to COMPLETED. */
  | 'COMPLETED'
  /** completedWithError: ended, some artifacts succeeded and some failed. Maps to COMPLETED_WITH_ISSUES. */
  | 'COMPLETED_WITH_ERROR'
  /** draft: artifacts added, not activated yet. Maps to DRAFT. */
  | 'DRAFT'
  /** failed: every artifact failed. Maps to FAILED. */
  | 'FAILED'
  /** unknownFutureValue, or a value newer than this gateway. Maps to UNKNOWN. */
  | 'UNKNOWN_FUTURE_VALUE';

/** What happened to a session. */
export type RestoreSessionChangeKind =
  /** The session appeared upstream, or changed so that it now matches the subscription's filter. */
  | 'CREATED'
  /** The session disappeared upstream, or changed so that it no longer matches the filter (then `session` is its new state). */
  | 'REMOVED'
  /** Its status, progress or another field changed, and it still matches the filter. */
  | 'UPDATED';

/** Filters combine with AND; the values of one list with OR; an empty list matches nothing. */
export type RestoreSessionFilter = {
  /** Created at or after this instant (inclusive). */
  createdAfter?: string | null | undefined;
  /** Created before this instant (exclusive). */
  createdBefore?: string | null | undefined;
  /** Case-insensitive substring of name, initiatedBy, vendorId or organizationName. */
  search?: string | null | undefined;
  /** Only these configured sources (`Source.id`); an unknown id is BAD_USER_INPUT; null: all. */
  sourceIds?: Array<string | number> | null | undefined;
  /** Only these statuses; null: all. */
  statuses?: Array<RestoreSessionStatus> | null | undefined;
  /** Only these backup products; null: all. */
  vendors?: Array<Vendor> | null | undefined;
  /** Only these workloads (a session whose workload is unknown never matches); null: all. */
  workloads?: Array<Workload> | null | undefined;
};

/**
 * The vendor-neutral status of a restore session. Each value says which upstream values map to it;
 * the upstream's own value stays available as `GraphRestoreSession.graphStatus` and
 * `VeeamRestoreSession.state` / `result`.
 */
export type RestoreSessionStatus =
  /** Starting: the upstream accepted the activation. Graph: activating. Veeam: never. */
  | 'ACTIVATING'
  /** Finished without problems. Graph: completed. Veeam: Stopped with result Success. */
  | 'COMPLETED'
  /** Finished, but some items were not restored. Graph: completedWithError. Veeam: Stopped with result Warning. */
  | 'COMPLETED_WITH_ISSUES'
  /** Created but not started. Graph: draft. Veeam: never. */
  | 'DRAFT'
  /** Ended in failure. Graph: failed. Veeam: Stopped with result Failed. */
  | 'FAILED'
  /** Restoring or open for restores. Graph: active. Veeam: Working, Starting or Stopping (whatever `result` says). */
  | 'RUNNING'
  /** The upstream sent a value the gateway does not know. Graph: unknownFutureValue or anything new. Veeam: Stopped with no result, or a new state. */
  | 'UNKNOWN';

/** Health of a source, from the outcomes of its last 20 upstream calls (the gateway's own background reads included). */
export type SourceHealth =
  /** Some recent calls failed or were throttled, but the source answers: data may lag behind. */
  | 'DEGRADED'
  /** The last call could not reach the source or was refused its credentials, three calls in a row failed, or the circuit breaker is open: expect errors for this source. */
  | 'DOWN'
  /** Every recent call succeeded. */
  | 'UP';

/** Where a source's session index stands. */
export type SourceSyncState =
  /** The latest background read failed: queries leave the source out (with one error for it) until a read succeeds. */
  | 'FAILED'
  /** The index is current: the latest background read succeeded. */
  | 'LIVE'
  /** The first read of the source's sessions has not finished. */
  | 'WARMING';

/** Veeam's session `result`. Veeam sends it even while the session works; it is final once `state` is STOPPED. */
export type VeeamRestoreSessionResult =
  /** Failed: with STOPPED, maps to FAILED. */
  | 'FAILED'
  /** Success: with STOPPED, maps to COMPLETED. */
  | 'SUCCESS'
  /** Warning: some items were not restored; with STOPPED, maps to COMPLETED_WITH_ISSUES. */
  | 'WARNING';

/** Veeam's session `state`, as the upstream sent it (the vendor-neutral value is `status`). */
export type VeeamRestoreSessionState =
  /** Starting (older servers): maps to RUNNING. */
  | 'STARTING'
  /** Stopped: the session ended; `result` says how (Success → COMPLETED, Warning → COMPLETED_WITH_ISSUES, Failed → FAILED, none → UNKNOWN). */
  | 'STOPPED'
  /** Stopping (older servers): maps to RUNNING. */
  | 'STOPPING'
  /** A state newer than this gateway. Maps to UNKNOWN. */
  | 'UNKNOWN'
  /** Working: the session is open or restoring. Maps to RUNNING whatever `result` says. */
  | 'WORKING';

/** The backup product that holds a restore session. */
export type Vendor =
  /** Microsoft Graph backup storage (Microsoft 365 Backup), one tenant per source. */
  | 'MICROSOFT_GRAPH'
  /** Veeam Backup for Microsoft 365 (REST API v6, v7 or v8), one backup server per source. */
  | 'VEEAM';

/** The Microsoft 365 service a restore session restores. */
export type Workload =
  /** Exchange Online mailboxes. Graph: exchangeRestoreSession; Veeam: Vex. */
  | 'EXCHANGE'
  /** OneDrive for Business. Graph: oneDriveForBusinessRestoreSession; Veeam: Veod. */
  | 'ONEDRIVE'
  /** SharePoint Online sites. Graph: sharePointRestoreSession; Veeam: Vesp. */
  | 'SHAREPOINT'
  /** Microsoft Teams (Veeam only: Vet). */
  | 'TEAMS';

export type DashboardSessionsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: RestoreSessionFilter | null | undefined;
}>;


export type DashboardSessionsQuery = { __typename: 'Query', restoreSessions: { __typename: 'RestoreSessionConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, nodes: Array<
      | { __typename: 'GraphRestoreSession', graphStatus: GraphRestoreSessionStatus, id: string, vendor: Vendor, status: RestoreSessionStatus, workload: Workload | null, isTerminal: boolean, createdAt: string | null, initiatedBy: string | null, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null, source: { __typename: 'Source', id: string, name: string } }
      | { __typename: 'VeeamRestoreSession', name: string | null, organizationName: string | null, state: VeeamRestoreSessionState, result: VeeamRestoreSessionResult | null, id: string, vendor: Vendor, status: RestoreSessionStatus, workload: Workload | null, isTerminal: boolean, createdAt: string | null, initiatedBy: string | null, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null, source: { __typename: 'Source', id: string, name: string } }
    > } };

export type DashboardSessionChangedSubscriptionVariables = Exact<{
  filter?: RestoreSessionFilter | null | undefined;
}>;


export type DashboardSessionChangedSubscription = { restoreSessionChanged: { __typename: 'RestoreSessionChange', kind: RestoreSessionChangeKind, session:
      | { __typename: 'GraphRestoreSession', graphStatus: GraphRestoreSessionStatus, id: string, vendor: Vendor, status: RestoreSessionStatus, workload: Workload | null, isTerminal: boolean, createdAt: string | null, initiatedBy: string | null, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null, source: { __typename: 'Source', id: string, name: string } }
      | { __typename: 'VeeamRestoreSession', name: string | null, organizationName: string | null, state: VeeamRestoreSessionState, result: VeeamRestoreSessionResult | null, id: string, vendor: Vendor, status: RestoreSessionStatus, workload: Workload | null, isTerminal: boolean, createdAt: string | null, initiatedBy: string | null, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null, source: { __typename: 'Source', id: string, name: string } }
     } };

export type DashboardOverviewQueryVariables = Exact<{
  filter?: RestoreSessionFilter | null | undefined;
}>;


export type DashboardOverviewQuery = { __typename: 'Query', restoreSessionStats: { __typename: 'RestoreSessionStats', total: number, byStatus: Array<{ __typename: 'StatusCount', status: RestoreSessionStatus, count: number }>, bySource: Array<{ __typename: 'SourceCount', count: number, source: { __typename: 'Source', id: string, name: string } }> }, sources: Array<{ __typename: 'Source', id: string, name: string, vendor: Vendor, health: SourceHealth, lastError: string | null, sync: { __typename: 'SourceSync', state: SourceSyncState, sessions: number, lagSeconds: number | null } }> };

export type DashboardSessionProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type DashboardSessionProgressSubscription = { restoreSessionProgress:
    | { __typename: 'GraphRestoreSession', id: string, status: RestoreSessionStatus, isTerminal: boolean, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null }
    | { __typename: 'VeeamRestoreSession', id: string, status: RestoreSessionStatus, isTerminal: boolean, progress: { __typename: 'RestoreProgress', percent: number | null, completed: number, failed: number, total: number } | null }
   };


export const DashboardSessionsDocument = {"__meta__":{"hash":"ae5e285433a7c4fa547c138989c8fc53aed485a1c81a7c45ca780bdb32d9eca2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardSessions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RestoreSessionFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"restoreSessions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"workload"}},{"kind":"Field","name":{"kind":"Name","value":"isTerminal"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"initiatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GraphRestoreSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"graphStatus"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VeeamRestoreSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSessionsQuery, DashboardSessionsQueryVariables>;
export const DashboardSessionChangedDocument = {"__meta__":{"hash":"5ca843959ad1f585db962472d09910de8e5036d72404a66a2cd2a30e02b874b1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardSessionChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RestoreSessionFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreSessionChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"workload"}},{"kind":"Field","name":{"kind":"Name","value":"isTerminal"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"initiatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GraphRestoreSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"graphStatus"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VeeamRestoreSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"result"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSessionChangedSubscription, DashboardSessionChangedSubscriptionVariables>;
export const DashboardOverviewDocument = {"__meta__":{"hash":"c9c73d7658cfdeff24d71d511178165d9bb4a71e582d9ca801c567e8e1542ff7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RestoreSessionFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"restoreSessionStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"byStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bySource"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"sync"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"lagSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardOverviewQuery, DashboardOverviewQueryVariables>;
export const DashboardSessionProgressDocument = {"__meta__":{"hash":"03cd02cad749bbbf6d0783c13b20d384f4afe5a9d7d93aded0c59c20eac06bf0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardSessionProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreSessionProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"isTerminal"}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSessionProgressSubscription, DashboardSessionProgressSubscriptionVariables>;