import type { GatewayContext } from '../context';
import { ErrorCode, GatewayError } from '../errors';
import { decodeGlobalId } from '../ids';
import { compileFilter } from '../listing/filter';
import { BoundedQueue } from '../live/boundedQueue';
import type { ChangeEvent } from '../live/changeFeed';
import { TERMINAL_STATUSES, type RestoreSessionModel } from '../model';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import { GraphConnector } from '../upstreams/msgraph/client';

/** Undelivered updates one subscriber may have before it is ended as too slow. */
const QUEUE_CAPACITY = 200;

export const Subscription: SubscriptionResolvers = {
  restoreSessionChanged: {
    subscribe: (_parent, { filter }, ctx) => {
      const compiled = compileFilter(filter, ctx.services.sourceIds);
      const matches = (s: RestoreSessionModel) =>
        (!compiled.vendors || compiled.vendors.has(s.vendor)) && (!compiled.sourceIds || compiled.sourceIds.has(s.sourceId)) && (!compiled.matches || compiled.matches(s));
      let unsubscribe = () => undefined as void;
      const queue = new BoundedQueue<{ restoreSessionChanged: ChangeEvent }>(QUEUE_CAPACITY, () => unsubscribe());
      unsubscribe = ctx.services.feed.subscribe((event) => {
        if (matches(event.session)) queue.push({ restoreSessionChanged: event });
      });
      return queue;
    },
  },
  restoreSessionProgress: {
    subscribe: async (_parent, { id }, ctx) => {
      const { sourceId, vendorId } = decodeGlobalId(id, 'id');
      const connector = ctx.services.connectors.get(sourceId);
      const current = !connector ? null : connector instanceof GraphConnector ? await ctx.loaders.graph(sourceId).sessionById.load(vendorId) : await ctx.loaders.veeam(sourceId).sessionById.load(vendorId);
      if (!current) throw new GatewayError(ErrorCode.NOT_FOUND, `Restore session ${id} does not exist.`, { sourceId });
      let unsubscribe = () => undefined as void;
      const queue = new BoundedQueue<{ restoreSessionProgress: RestoreSessionModel }>(QUEUE_CAPACITY, () => unsubscribe());
      queue.push({ restoreSessionProgress: current });
      if (TERMINAL_STATUSES.has(current.status)) {
        queue.end();
        return queue;
      }
      unsubscribe = ctx.services.feed.subscribe((event) => {
        if (event.session.id !== id) return;
        queue.push({ restoreSessionProgress: event.session });
        // The last update of a session is its terminal state (or its removal).
        if (TERMINAL_STATUSES.has(event.session.status) || event.kind === 'REMOVED') queue.end();
      });
      return queue;
    },
  },
};
