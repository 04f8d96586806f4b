import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { DateTimeScalar } from './scalars';
import { typeResolvers } from './types';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  ...typeResolvers,
};
