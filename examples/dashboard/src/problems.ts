import type { CombinedError } from '@urql/core';

/** One source left out of an answer, from a GraphQL error of a partial result. */
export interface SourceProblem {
  sourceId: string;
  code: string;
  vendor?: string;
  retryAfterSeconds?: number;
  sessionsLoaded?: number;
}

const SOURCE_CODES = /^(UPSTREAM_[A-Z_]+|SOURCE_WARMING_UP)$/;

/** The per-source errors of any number of answers, one per source (the first seen wins). */
export function sourceProblems(errors: ReadonlyArray<CombinedError | undefined>): SourceProblem[] {
  const bySource = new Map<string, SourceProblem>();
  for (const error of errors) {
    for (const e of error?.graphQLErrors ?? []) {
      const ext = e.extensions ?? {};
      const code = typeof ext.code === 'string' ? ext.code : '';
      if (!SOURCE_CODES.test(code) || typeof ext.sourceId !== 'string' || bySource.has(ext.sourceId)) continue;
      bySource.set(ext.sourceId, {
        sourceId: ext.sourceId,
        code,
        vendor: typeof ext.vendor === 'string' ? ext.vendor : undefined,
        retryAfterSeconds: typeof ext.retryAfterSeconds === 'number' ? ext.retryAfterSeconds : undefined,
        sessionsLoaded: typeof ext.sessionsLoaded === 'number' ? ext.sessionsLoaded : undefined,
      });
    }
  }
  return [...bySource.values()];
}

/** What a banner says after the source's name. */
export function describeProblem(p: SourceProblem): string {
  switch (p.code) {
    case 'SOURCE_WARMING_UP':
      return `is warming up: its sessions are not listed yet${p.sessionsLoaded ? ` (${p.sessionsLoaded} loaded so far)` : ''}.`;
    case 'UPSTREAM_UNAVAILABLE':
      return 'is unavailable: its sessions are left out until it answers again.';
    case 'UPSTREAM_THROTTLED':
      return `is throttled by its upstream${p.retryAfterSeconds !== undefined ? ` (retry after ${p.retryAfterSeconds} s)` : ''}: its sessions are left out for now.`;
    case 'UPSTREAM_AUTH_FAILED':
      return "refuses the gateway's credentials: its sessions are left out (the gateway's configuration needs fixing).";
    default:
      return 'answered with an error: its sessions are left out for now.';
  }
}

/** Errors that are not about one source: the gateway unreachable, refused, or a bug. */
export function generalErrors(errors: ReadonlyArray<CombinedError | undefined>): string[] {
  const messages = new Set<string>();
  for (const error of errors) {
    if (!error) continue;
    if (error.networkError) {
      messages.add(
        `The gateway could not be reached (${error.networkError.message}): is it running, and does its server.cors allow ${window.location.origin}?`,
      );
    }
    for (const e of error.graphQLErrors) {
      const code = typeof e.extensions?.code === 'string' ? e.extensions.code : '';
      if (SOURCE_CODES.test(code) && typeof e.extensions?.sourceId === 'string') continue;
      if (code === 'UNAUTHENTICATED') messages.add('The gateway refused the credentials: set VITE_API_KEY.');
      else if (code === 'PERSISTED_QUERY_NOT_IN_LIST' || code === 'PERSISTED_QUERY_NOT_FOUND')
        messages.add("The gateway does not know this dashboard's documents: give it this build's persisted-documents.json.");
      else messages.add(code ? `${e.message} (${code})` : e.message);
    }
  }
  return [...messages];
}
