import { graphql } from './gql';

// Every document here is an operation: each is one entry of the persisted-documents manifest.
// (No shared fragment on purpose: a fragment-only document would be a manifest entry that cannot
// run, and a gateway validating its manifest would refuse it as an unused fragment.)

export const SessionsQuery = graphql(`
  query DashboardSessions($first: Int!, $after: String, $filter: RestoreSessionFilter) {
    restoreSessions(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        vendor
        status
        workload
        isTerminal
        createdAt
        initiatedBy
        progress {
          percent
          completed
          failed
          total
        }
        source {
          id
          name
        }
        ... on GraphRestoreSession {
          graphStatus
        }
        ... on VeeamRestoreSession {
          name
          organizationName
          state
          result
        }
      }
    }
  }
`);

/** The same selection as a row of {@link SessionsQuery}: a change can replace a row as it is. */
export const SessionChangedSubscription = graphql(`
  subscription DashboardSessionChanged($filter: RestoreSessionFilter) {
    restoreSessionChanged(filter: $filter) {
      kind
      session {
        id
        vendor
        status
        workload
        isTerminal
        createdAt
        initiatedBy
        progress {
          percent
          completed
          failed
          total
        }
        source {
          id
          name
        }
        ... on GraphRestoreSession {
          graphStatus
        }
        ... on VeeamRestoreSession {
          name
          organizationName
          state
          result
        }
      }
    }
  }
`);

export const OverviewQuery = graphql(`
  query DashboardOverview($filter: RestoreSessionFilter) {
    restoreSessionStats(filter: $filter) {
      total
      byStatus {
        status
        count
      }
      bySource {
        source {
          id
          name
        }
        count
      }
    }
    sources {
      id
      name
      vendor
      health
      lastError
      sync {
        state
        sessions
        lagSeconds
      }
    }
  }
`);

export const SessionProgressSubscription = graphql(`
  subscription DashboardSessionProgress($id: ID!) {
    restoreSessionProgress(id: $id) {
      id
      status
      isTerminal
      progress {
        percent
        completed
        failed
        total
      }
    }
  }
`);
