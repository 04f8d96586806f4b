import { badUserInput } from '../errors';
import { parseInstant } from '../instant';
import type { Instant, RestoreSessionModel, RestoreSessionStatusValue, VendorValue, WorkloadValue } from '../model';

/** The filter as GraphQL hands it over (DateTime inputs arrive as text and are checked here). */
export interface RestoreSessionFilterInput {
  vendors?: VendorValue[] | null;
  sourceIds?: string[] | null;
  statuses?: RestoreSessionStatusValue[] | null;
  workloads?: WorkloadValue[] | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
  search?: string | null;
}

/** A validated filter: which sources to ask, and a predicate for the sessions they hold. */
export interface CompiledFilter {
  vendors: ReadonlySet<VendorValue> | null;
  sourceIds: ReadonlySet<string> | null;
  createdAfter: Instant | null;
  createdBefore: Instant | null;
  /** Identifies the session predicate (not the source selection), for caching filtered lists. */
  cacheKey: string;
  /** Null when every session matches. */
  matches: ((session: RestoreSessionModel) => boolean) | null;
}

function parseBound(value: string | null | undefined, argument: string): Instant | null {
  if (value === null || value === undefined) return null;
  const instant = parseInstant(value);
  if (!instant) throw badUserInput(argument, `'${value.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
  return instant;
}

/**
 * Validates and compiles a filter: fields combine with AND, list values with OR, an empty list
 * matches nothing; `argumentPrefix` names the argument in errors (e.g. `filter`).
 */
export function compileFilter(
  input: RestoreSessionFilterInput | null | undefined,
  knownSourceIds: ReadonlySet<string>,
  argumentPrefix = 'filter',
): CompiledFilter {
  const filter = input ?? {};
  if (filter.sourceIds) {
    const unknown = filter.sourceIds.filter((id) => !knownSourceIds.has(id));
    if (unknown.length > 0)
      throw badUserInput(
        `${argumentPrefix}.sourceIds`,
        `Unknown source id${unknown.length > 1 ? 's' : ''}: ${unknown.map((id) => `'${id.slice(0, 64)}'`).join(', ')}.`,
      );
  }
  const createdAfter = parseBound(filter.createdAfter, `${argumentPrefix}.createdAfter`);
  const createdBefore = parseBound(filter.createdBefore, `${argumentPrefix}.createdBefore`);
  const statuses = filter.statuses ? new Set(filter.statuses) : null;
  const workloads = filter.workloads ? new Set(filter.workloads) : null;
  const search = filter.search ? filter.search.toLowerCase() : null;

  const tests: Array<(s: RestoreSessionModel) => boolean> = [];
  if (statuses) tests.push((s) => statuses.has(s.status));
  if (workloads) tests.push((s) => s.workload !== null && workloads.has(s.workload));
  if (createdAfter) tests.push((s) => s.createdAt !== null && s.createdAt.key >= createdAfter.key);
  if (createdBefore) tests.push((s) => s.createdAt !== null && s.createdAt.key < createdBefore.key);
  if (search) {
    tests.push((s) => {
      const fields = s.__typename === 'VeeamRestoreSession' ? [s.name, s.initiatedBy, s.vendorId, s.organizationName] : [s.initiatedBy, s.vendorId];
      return fields.some((f) => f !== null && f.toLowerCase().includes(search));
    });
  }
  return {
    vendors: filter.vendors ? new Set(filter.vendors) : null,
    sourceIds: filter.sourceIds ? new Set(filter.sourceIds) : null,
    createdAfter,
    createdBefore,
    cacheKey: JSON.stringify([
      filter.statuses ? [...filter.statuses].sort() : null,
      filter.workloads ? [...filter.workloads].sort() : null,
      createdAfter?.key ?? null,
      createdBefore?.key ?? null,
      search,
    ]),
    matches: tests.length === 0 ? null : (s) => tests.every((t) => t(s)),
  };
}
