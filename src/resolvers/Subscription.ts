import { notFound } from '../errors';
import { decodeGlobalId } from '../ids';
import type { IndexChange } from '../index/sessionIndex';
import { compileFilter } from '../listing/filter';
import { BoundedQueue } from '../live/boundedQueue';
import { TERMINAL_STATUSES, type ProgressModel, type RestoreSessionModel } from '../model';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import { loadSession } from './Query';

/** Undelivered updates one subscriber may have before it is ended as too slow. */
const QUEUE_CAPACITY = 200;

/**
 * A change as a subscriber with a filter sees it: a session that starts matching (a status
 * changed into the filter) is CREATED for it, and one that stops matching is REMOVED, carrying
 * its new state, so a filtered list can be kept by applying changes alone.
 */
function asSeenThroughFilter(change: IndexChange, matches: (s: RestoreSessionModel) => boolean): IndexChange | null {
  const now = matches(change.session);
  if (change.kind !== 'UPDATED' || !change.previous) return now ? change : null;
  const before = matches(change.previous);
  if (now && before) return change;
  if (now) return { kind: 'CREATED', session: change.session };
  if (before) return { kind: 'REMOVED', session: change.session };
  return null;
}

/**
 * Subscriptions are the index's own changes: whatever keeps a source's index current (its
 * syncer here, or the holder replica through the shared log) is what subscribers hear, once per
 * change, on every replica. No poller of their own.
 */
export const Subscription: SubscriptionResolvers = {
  restoreSessionChanged: {
    subscribe: (_parent, { filter }, ctx) => {
      const compiled = compileFilter(filter, ctx.services.sourceIds);
      const matches = (s: RestoreSessionModel) =>
        (!compiled.vendors || compiled.vendors.has(s.vendor)) &&
        (!compiled.sourceIds || compiled.sourceIds.has(s.sourceId)) &&
        (!compiled.matches || compiled.matches(s));
      let unsubscribe = () => undefined as void;
      const queue = new BoundedQueue<{ restoreSessionChanged: IndexChange }>(QUEUE_CAPACITY, () => unsubscribe());
      unsubscribe = ctx.services.indexes.onChange((changes) => {
        for (const change of changes) {
          const seen = asSeenThroughFilter(change, matches);
          if (seen) queue.push({ restoreSessionChanged: seen });
        }
      });
      return queue;
    },
  },
  restoreSessionProgress: {
    subscribe: async (_parent, { id }, ctx) => {
      const decoded = decodeGlobalId(id, 'id');
      const current = await loadSession(ctx, decoded);
      if (!current) throw notFound(decoded.sourceId, `Restore session ${id}`);
      const stops: Array<() => void> = [];
      const queue = new BoundedQueue<{ restoreSessionProgress: RestoreSessionModel }>(QUEUE_CAPACITY, () => stops.forEach((stop) => stop()));
      queue.push({ restoreSessionProgress: current });
      if (TERMINAL_STATUSES.has(current.status)) {
        queue.end();
        return queue;
      }
      let latest = current;
      let progress: ProgressModel | null | undefined;
      const send = () => queue.push({ restoreSessionProgress: progress === undefined ? latest : ({ ...latest, progress } as RestoreSessionModel) });
      stops.push(
        ctx.services.indexes.onChange((changes) => {
          for (const change of changes) {
            if (change.session.id !== id) continue;
            latest = change.session;
            send();
            // The last update of a session is its terminal state (or its removal).
            if (TERMINAL_STATUSES.has(change.session.status) || change.kind === 'REMOVED') queue.end();
          }
        }),
      );
      // Progress kept apart from the record (Veeam v8) is read while this subscription lasts.
      const stopWatching = ctx.services.progress.watch(decoded.sourceId, decoded.vendorId, (next) => {
        progress = next;
        send();
      });
      if (stopWatching) stops.push(stopWatching);
      return queue;
    },
  },
};
