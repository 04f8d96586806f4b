import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock';
import type { GatewayMetrics } from '../metrics';
import type { CacheStore } from './cacheStore';
import type { ResponseReads } from './responseReads';

/** A serialized answer, as sent. */
export interface CachedAnswer {
  body: string;
  /** The operation that was run (named by the document when the request did not say), for metrics and logs. */
  operationName: string | null;
  /** A strong validator of the body (the same bytes give the same tag on every replica). */
  etag: string;
  /** Good until then (ms), by the entity-cache data it used; infinite when it used only index data. */
  validUntil: number;
}

interface SharedAnswer {
  body: string;
  operationName: string | null;
  etag: string;
  validUntil: number | null;
}

interface MemoryEntry extends CachedAnswer {
  /** The content versions of the indexes it read, in `sources` order, when it was computed. */
  versions: string;
  sources: readonly string[];
}

/** What names one request's answer apart from the data: who may see what, and what was asked. */
export interface RequestParts {
  role: string | null;
  operationName: string | null;
  query: string;
  /** As Apollo reads them (a GET's JSON text parsed). */
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

export interface ResponseCacheOptions {
  maxBytes: number;
  maxEntryBytes: number;
  /** Changes with the schema and the gateway's code, so replicas of another build never share answers. */
  buildId: string;
}

/** Shared answers outlive their last use this long at most in Redis (they are unreachable once what they read changes). */
const SHARED_TTL_MS = 10 * 60_000;
/** Which sources a request's answer reads does not change with the data: kept a day in Redis. */
const PLAN_TTL_MS = 24 * 3_600_000;
/** Which indexes a request's answer depends on, remembered for this many distinct requests. */
const MAX_PLANS = 10_000;

const NEVER = Symbol('never cacheable');

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Whole answers to queries, kept exactly as long as what they were computed from: the content
 * version of every session index they read (the same on every replica holding the same sessions)
 * and the expiry of every entity-cache entry they used. No TTL of its own: an answer is dropped
 * the moment an index it read changes, and a lookup checks the versions again, so a hit is
 * byte-identical to what computing the answer now would give.
 *
 * In memory (an LRU bounded by bytes) on every replica; with Redis, also shared: the key there
 * includes the versions, so a replica finds another's answer only for the same data.
 */
export class ResponseCache {
  /** Request key → the sources its answer read, learnt when it was first computed (NEVER: not cacheable at all). */
  private readonly plans = new LRUCache<string, readonly string[] | typeof NEVER>({ max: MAX_PLANS });
  private readonly entries: LRUCache<string, MemoryEntry>;
  private readonly bySource = new Map<string, Set<string>>();
  /** Why the next memory removals happen (for the evictions metric); LRU-initiated ones say so themselves. */
  private dropping: 'changed' | 'expired' | null = null;

  constructor(
    private readonly options: ResponseCacheOptions,
    private readonly versionOf: (sourceId: string) => string | null,
    private readonly shared: CacheStore | null,
    private readonly clock: Clock,
    private readonly metrics: GatewayMetrics,
  ) {
    this.entries = new LRUCache<string, MemoryEntry>({
      // Entries that used entity-cache data expire with it, by the gateway's clock.
      perf: { now: () => clock.now() },
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.body.length * 2),
      dispose: (entry, key, reason) => {
        for (const source of entry.sources) this.bySource.get(source)?.delete(key);
        if (reason === 'evict') this.metrics.responseCacheEvictions.inc({ reason: 'evicted' });
        else if (reason === 'expire') this.metrics.responseCacheEvictions.inc({ reason: 'expired' });
        else if (reason === 'delete' && this.dropping) this.metrics.responseCacheEvictions.inc({ reason: this.dropping });
      },
    });
  }

  requestKey(parts: RequestParts): string {
    return sha256(JSON.stringify([this.options.buildId, parts.role, parts.operationName, parts.query, parts.variables ?? null, parts.extensions ?? null]));
  }

  /** The answer for this request if one is cached and still exactly current; null otherwise. */
  async lookup(requestKey: string): Promise<{ answer: CachedAnswer; shared: boolean } | null> {
    const planned = this.plans.get(requestKey);
    if (planned === NEVER) return null;
    const sources = planned ?? (await this.sharedPlan(requestKey));
    if (!sources) return null;
    const versions = this.currentVersions(sources);
    if (versions === null) return null;
    const now = this.clock.now();
    const entry = this.entries.get(requestKey);
    if (entry) {
      if (entry.versions === versions && entry.validUntil > now) return { answer: entry, shared: false };
      this.drop(requestKey, entry.versions === versions ? 'expired' : 'changed');
    }
    if (!this.shared) return null;
    const [found] = await this.shared.getMany<SharedAnswer>([this.sharedKey(requestKey, versions)]);
    if (!found || typeof found.body !== 'string' || typeof found.etag !== 'string') return null;
    // JSON has no Infinity: an answer that used index data only travels with null.
    const answer: CachedAnswer = {
      body: found.body,
      operationName: typeof found.operationName === 'string' ? found.operationName : null,
      etag: found.etag,
      validUntil: found.validUntil ?? Number.POSITIVE_INFINITY,
    };
    if (!(answer.validUntil > this.clock.now())) return null;
    this.remember(requestKey, { ...answer, versions, sources });
    return { answer, shared: true };
  }

  /**
   * Keeps an answer that GraphQL computed without errors, when everything it read allows it and
   * no index it read has changed since. Returns what was kept (for the ETag), or null.
   */
  store(requestKey: string, reads: ResponseReads, body: string): CachedAnswer | null {
    if (!reads.complete || reads.refusal !== null || body.length > this.options.maxEntryBytes) return null;
    const sources = [...reads.indexVersions.keys()].sort();
    const versions = sources.map((id) => `${id}=${reads.indexVersions.get(id)}`).join('&');
    // Computed from versions that are already gone: keeping it would serve old data.
    if (this.currentVersions(sources) !== versions) return null;
    const now = this.clock.now();
    if (reads.validUntil <= now) return null;
    const answer: CachedAnswer = {
      body,
      operationName: reads.operationName,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      validUntil: reads.validUntil,
    };
    this.plans.set(requestKey, sources);
    this.remember(requestKey, { ...answer, versions, sources });
    if (this.shared) {
      const ttl = Math.min(SHARED_TTL_MS, answer.validUntil - now);
      const shared: SharedAnswer = {
        body,
        operationName: answer.operationName,
        etag: answer.etag,
        validUntil: Number.isFinite(answer.validUntil) ? answer.validUntil : null,
      };
      void this.shared.set(this.sharedKey(requestKey, versions), shared, ttl);
      void this.shared.set(this.planKey(requestKey), sources, PLAN_TTL_MS);
    }
    return answer;
  }

  /** Remembers a request whose answers can never be cached (a mutation, live fields), so it costs no lookup. */
  noteUncacheable(requestKey: string, reads: ResponseReads): void {
    if (reads.permanent) this.plans.set(requestKey, NEVER);
  }

  /** An index changed: every answer that read it is dropped now. */
  sourceChanged(sourceId: string): void {
    const keys = this.bySource.get(sourceId);
    if (!keys || keys.size === 0) return;
    for (const key of [...keys]) this.drop(key, 'changed');
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  clear(): void {
    this.entries.clear();
    this.plans.clear();
    this.bySource.clear();
    this.metrics.responseCacheBytes.set(0);
  }

  private remember(requestKey: string, entry: MemoryEntry): void {
    const ttl = Number.isFinite(entry.validUntil) ? Math.max(1, entry.validUntil - this.clock.now()) : undefined;
    this.entries.set(requestKey, entry, ttl === undefined ? undefined : { ttl });
    for (const source of entry.sources) {
      let keys = this.bySource.get(source);
      if (!keys) this.bySource.set(source, (keys = new Set()));
      keys.add(requestKey);
    }
    this.metrics.responseCacheBytes.set(this.entries.calculatedSize);
  }

  private drop(requestKey: string, reason: 'changed' | 'expired'): void {
    this.dropping = reason;
    try {
      this.entries.delete(requestKey);
    } finally {
      this.dropping = null;
    }
    this.metrics.responseCacheBytes.set(this.entries.calculatedSize);
  }

  private currentVersions(sources: readonly string[]): string | null {
    const parts: string[] = [];
    for (const id of sources) {
      const version = this.versionOf(id);
      if (version === null) return null;
      parts.push(`${id}=${version}`);
    }
    return parts.join('&');
  }

  /** Another replica may have answered this request already: which sources its answer read. */
  private async sharedPlan(requestKey: string): Promise<readonly string[] | null> {
    if (!this.shared) return null;
    const [sources] = await this.shared.getMany<unknown>([this.planKey(requestKey)]);
    if (!Array.isArray(sources) || !sources.every((id): id is string => typeof id === 'string')) return null;
    this.plans.set(requestKey, sources);
    return sources;
  }

  private planKey(requestKey: string): string {
    return `rsgw:v1:response-plan:${requestKey}`;
  }

  private sharedKey(requestKey: string, versions: string): string {
    return `rsgw:v1:response:${sha256(`${requestKey}|${versions}`)}`;
  }
}
