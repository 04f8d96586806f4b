import type { Resolvers } from '../__generated__/resolvers-types';
import { vendorResolvers } from '../upstreams/registry';
import { discoveryResolvers } from './discovery';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { DateTimeScalar } from './scalars';
import { typeResolvers } from './typeResolvers';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Merges resolver maps type by type (a vendor adds fields to Mutation, for instance). */
function merge(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const existing = merged[type];
      merged[type] = isPlainObject(existing) && isPlainObject(fields) ? { ...existing, ...fields } : fields;
    }
  }
  return merged;
}

export const resolvers: Resolvers = merge(
  { DateTime: DateTimeScalar, Query, Mutation, Subscription, ...typeResolvers },
  discoveryResolvers,
  ...vendorResolvers,
);
