import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one GraphQL answer was computed from, gathered while it is computed: the content version of
 * every session index it read, and the expiry of every entity-cache entry it used. The response
 * cache keeps the answer exactly as long as all of those still hold. Reads happen deep in the data
 * layer (listing, entity cache), so the recorder travels with the request through
 * AsyncLocalStorage rather than through every signature on the way.
 */
export class ResponseReads {
  /** Source id → the content version of its index when the answer read it. */
  readonly indexVersions = new Map<string, string>();
  /** The answer is good until then (ms, by the gateway's clock): the earliest entity-cache expiry it used. */
  validUntil = Number.POSITIVE_INFINITY;
  /** Why the answer must not be cached; null while nothing says so. */
  refusal: string | null = null;
  /** The refusal holds for every answer to this request (the document itself is not cacheable). */
  permanent = false;
  /** Set once GraphQL has answered without errors. */
  complete = false;
  /** The operation GraphQL ran (from the document when the request did not name it). */
  operationName: string | null = null;

  index(sourceId: string, version: string): void {
    const seen = this.indexVersions.get(sourceId);
    // Two reads of one index that saw different content: the answer mixes versions.
    if (seen !== undefined && seen !== version) this.refuse('the index changed while the answer was computed');
    else this.indexVersions.set(sourceId, version);
  }

  entity(expiresAt: number): void {
    if (expiresAt < this.validUntil) this.validUntil = expiresAt;
  }

  refuse(reason: string, permanent = false): void {
    this.refusal ??= reason;
    if (permanent) this.permanent = true;
  }
}

const current = new AsyncLocalStorage<ResponseReads>();

/** Runs `work` (the rest of the request) with `reads` recording what it reads. */
export function recordingReads<T>(reads: ResponseReads, work: () => T): T {
  return current.run(reads, work);
}

/** The recorder of the request being served, if its answer may be cached. */
export function responseReads(): ResponseReads | undefined {
  return current.getStore();
}
