import { UnmappableItemError, upstreamError, type SourceRef } from '../errors';

/**
 * Maps upstream items to the model. An item the gateway cannot represent (no id, a type the schema
 * has no value for) makes the whole answer a contract error for that source; any other exception
 * is a bug of ours and goes on as it is (INTERNAL_SERVER_ERROR, logged), never blamed on the upstream.
 */
export function mapUpstreamItems<T, R>(items: readonly T[], map: (item: T) => R, source: SourceRef): R[] {
  return items.map((item) => {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string')
      throw upstreamError.unavailable(source, 'sent an item without an id');
    try {
      return map(item);
    } catch (err) {
      if (err instanceof UnmappableItemError) throw upstreamError.unavailable(source, `sent an item the gateway cannot represent (${err.message})`);
      throw err;
    }
  });
}
