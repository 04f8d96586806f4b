import { ContentDigest, type ContentHash } from '../util/contentDigest';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../clock';
import type { RedisGate } from '../cache/redisGate';
import { restoreSessionShape } from '../cache/redisMessages';
import type { Logger } from '../logger';
import type { RestoreSessionModel } from '../model';
import type { IndexReplication, Position, ReplicationEntry, SharedIndexState, SharedStatus } from './replication';

const keys = {
  index: (scope: string) => `rsgw:v2:index:${scope}`,
  meta: (scope: string) => `rsgw:v2:meta:${scope}`,
  log: (scope: string) => `rsgw:v2:log:${scope}`,
  acks: (scope: string) => `rsgw:v2:acks:${scope}`,
  lease: (scope: string) => `rsgw:v2:lease:${scope}`,
  replicas: 'rsgw:v2:replicas',
};

/** A lease lives this long unless renewed; a dead holder's source is taken over within it plus one check. */
const LEASE_MS = 10_000;
const HEARTBEAT_MS = 3_000;
/** A replica silent for longer is not waited for. */
const REPLICA_ALIVE_MS = 10_000;
/** How long a mutation waits for every live replica to apply it. */
const ACK_WAIT_MS = 1_500;
const FOLLOW_BLOCK_MS = 1_000;
const LOG_MAX = 10_000;
/** Shared keys expire unless written again (the holder writes at least every reconciliation): a retired source's keys go. */
const KEY_TTL_MS = 7 * 86_400_000;

const sharedStatusShape = z.object({
  state: z.enum(['WARMING', 'LIVE', 'FAILED']),
  lastFullReadAt: z.number().nullable(),
  lastChangeAt: z.number().nullable(),
  coveredAt: z.number().nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), extensions: z.record(z.string(), z.unknown()) }).nullable(),
});

const entryShape = z.discriminatedUnion('op', [
  z.object({ op: z.literal('apply'), upserts: z.array(restoreSessionShape), removals: z.array(z.string()) }),
  z.object({ op: z.literal('reload') }),
  z.object({ op: z.literal('status'), status: sharedStatusShape }),
]);

// Publishes one entry atomically: the next sequence number, the shared copy updated, the log appended.
const PUBLISH = `
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local n = tonumber(ARGV[2])
local i = 3
for _ = 1, n do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
local m = tonumber(ARGV[i]); i = i + 1
for _ = 1, m do redis.call('HDEL', KEYS[1], ARGV[i]); i = i + 1 end
if ARGV[i] ~= '' then redis.call('HSET', KEYS[2], 'status', ARGV[i]) end
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[i + 1], '*', 'seq', seq, 'e', ARGV[1])
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ARGV[i + 2]) end
return {id, seq}`;

// Swaps a freshly written copy in, then appends a reload entry.
const SWAP = `
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('RENAME', KEYS[4], KEYS[1]) else redis.call('DEL', KEYS[1]) end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'status', ARGV[2]) end
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'seq', seq, 'e', ARGV[1])
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ARGV[4]) end
return {id, seq}`;

const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1 end
return 0`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Followed {
  scope: string;
  position: Position;
  onEntry: (entry: ReplicationEntry, position: Position) => Promise<void> | void;
  onGap: () => void;
}

/**
 * The shared index in Redis: per source a hash of sessions (one entry per session, so a change
 * rewrites one entry, not the list), a meta hash (sequence, status, feed token), a capped stream
 * as the ordered change log, an ack hash (what each replica has applied) and a lease. Every
 * value read back is validated; a sick Redis is kept off the request path by the gate, and the
 * gateway then reads its sources itself until Redis is back.
 */
export class RedisReplication implements IndexReplication {
  readonly replicaId = randomUUID();
  private readonly followed = new Map<string, Followed>();
  private followLoop: Promise<void> | null = null;
  private heartbeat: TimerHandle | null = null;
  private closed = false;
  /** Settles when close() starts: a blocking read queued on a reconnecting connection never settles by itself. */
  private readonly closing: Promise<null>;
  private markClosing: () => void = () => undefined;
  /** Per source: whether this replica held the lease at the last answer, and when Redis last answered about it. */
  private readonly leases = new Map<string, { held: boolean; answeredAt: number }>();
  private readonly startedAt: number;

  constructor(
    private readonly client: Redis,
    /** A connection of its own for blocking reads of the logs. */
    private readonly blocking: Redis,
    /** A connection for bulk transfers (a whole shared copy), allowed more time than request-path commands. */
    private readonly bulk: Redis,
    private readonly gate: RedisGate,
    private readonly bulkGate: RedisGate,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onBadValue: (what: string) => void,
  ) {
    this.closing = new Promise((resolve) => {
      this.markClosing = () => resolve(null);
    });
    this.startedAt = clock.now();
  }

  /**
   * While Redis answers, it decides. When it does not, a replica keeps the role it had: a holder
   * goes on reading; another replica waits until the holder's lease must have expired (it cannot
   * tell whether the holder is alive), then reads the source itself rather than leave it unread.
   */
  async holdLease(scope: string): Promise<boolean> {
    const answer = await this.gate.run(async () => (await this.client.eval(HOLD, 1, keys.lease(scope), this.replicaId, String(LEASE_MS))) === 1, null);
    const now = this.clock.now();
    const last = this.leases.get(scope);
    if (answer !== null) {
      this.leases.set(scope, { held: answer, answeredAt: now });
      return answer;
    }
    if (!last) return now - this.startedAt > LEASE_MS;
    return last.held || now - last.answeredAt > LEASE_MS;
  }

  async releaseLease(scope: string): Promise<void> {
    await this.gate.run(() => this.client.eval(RELEASE, 1, keys.lease(scope), this.replicaId), 0);
  }

  async load(scope: string): Promise<SharedIndexState | null> {
    // The first load happens once Redis answers: this replica announces itself from then on.
    if (!this.heartbeat && !this.closed) this.beat();
    // The log position first, then the sessions: a change published in between is applied again
    // when following from that position, which changes nothing (applying is idempotent). Values
    // only, as buffers, outside MULTI: at 20,000 sessions this is most of a restarting replica's warm-up.
    const result = await this.bulkGate.run(async () => {
      const [meta, last] = await Promise.all([
        this.bulk.hmget(keys.meta(scope), 'seq', 'status', 'feedToken'),
        this.bulk.xrevrange(keys.log(scope), '+', '-', 'COUNT', 1),
      ]);
      return { meta, last, values: await this.bulk.hvalsBuffer(keys.index(scope)) };
    }, null);
    if (!result) return null;
    const { meta, last, values } = result;
    const sessions: RestoreSessionModel[] = [];
    // Sessions are stored as canonical JSON, so their content hashes come from the bytes (a value
    // written otherwise only hashes differently from other replicas: fewer shared answers, never wrong ones).
    const hashes: ContentHash[] = [];
    for (const value of values ?? []) {
      const session = this.parse(restoreSessionShape, value.toString('utf8'), `shared index entry of ${scope}`);
      if (!session) continue;
      sessions.push(session as unknown as RestoreSessionModel);
      hashes.push(ContentDigest.hashOfCanonical(value));
    }
    const [seq, statusText, feedToken] = meta ?? [];
    const status: SharedStatus | null = statusText ? this.parse(sharedStatusShape, statusText, `shared status of ${scope}`) : null;
    return { sessions, hashes, status, feedToken: feedToken ?? null, position: { id: last?.[0]?.[0] ?? '0-0', seq: Number(seq ?? 0) } };
  }

  async replaceShared(scope: string, sessions: readonly RestoreSessionModel[], status: SharedStatus | null): Promise<Position | null> {
    return this.bulkGate.run(async () => {
      const temp = `${keys.index(scope)}:writing:${this.replicaId}`;
      await this.bulk.del(temp);
      for (let i = 0; i < sessions.length; i += 500) {
        const chunk = sessions.slice(i, i + 500);
        await this.bulk.hset(temp, ...chunk.flatMap((s) => [s.vendorId.toLowerCase(), ContentDigest.canonicalJson(s)]));
      }
      const [id, seq] = (await this.bulk.eval(
        SWAP,
        4,
        keys.index(scope),
        keys.meta(scope),
        keys.log(scope),
        temp,
        JSON.stringify({ op: 'reload' }),
        status ? JSON.stringify(status) : '',
        String(LOG_MAX),
        String(KEY_TTL_MS),
      )) as [string, number];
      return { id, seq: Number(seq) };
    }, null);
  }

  async publish(scope: string, entry: ReplicationEntry): Promise<Position | null> {
    const args: string[] = [JSON.stringify(entry)];
    if (entry.op === 'apply') {
      args.push(String(entry.upserts.length), ...entry.upserts.flatMap((s) => [s.vendorId.toLowerCase(), ContentDigest.canonicalJson(s)]));
      args.push(String(entry.removals.length), ...entry.removals.map((id) => id.toLowerCase()));
    } else {
      args.push('0', '0');
    }
    args.push(entry.op === 'status' ? JSON.stringify(entry.status) : '', String(LOG_MAX), String(KEY_TTL_MS));
    return this.gate.run(async () => {
      const [id, seq] = (await this.client.eval(PUBLISH, 3, keys.index(scope), keys.meta(scope), keys.log(scope), ...args)) as [string, number];
      return { id, seq: Number(seq) };
    }, null);
  }

  async saveFeedToken(scope: string, token: string | null): Promise<void> {
    await this.gate.run(() => (token === null ? this.client.hdel(keys.meta(scope), 'feedToken') : this.client.hset(keys.meta(scope), 'feedToken', token)), 0);
  }

  async loadFeedToken(scope: string): Promise<string | null> {
    return this.gate.run(() => this.client.hget(keys.meta(scope), 'feedToken'), null);
  }

  async awaitApplied(scope: string, position: Position): Promise<void> {
    const deadline = Date.now() + ACK_WAIT_MS;
    for (;;) {
      const done = await this.gate.run(async () => {
        const alive = (await this.client.zrangebyscore(keys.replicas, this.clock.now() - REPLICA_ALIVE_MS, '+inf')).filter((id) => id !== this.replicaId);
        if (alive.length === 0) return true;
        const acks = await this.client.hmget(keys.acks(scope), ...alive);
        return acks.every((ack) => ack !== null && Number(ack) >= position.seq);
      }, true);
      if (done) return;
      if (Date.now() > deadline) {
        this.logger.warn({ scope, seq: position.seq }, 'not every replica confirmed a write in time; it reaches them when they catch up');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  follow(scope: string, from: Position, onEntry: Followed['onEntry'], onGap: () => void): () => void {
    this.followed.set(scope, { scope, position: from, onEntry, onGap });
    this.followLoop ??= this.runFollowLoop();
    return () => {
      if (this.followed.get(scope)?.onEntry === onEntry) this.followed.delete(scope);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.markClosing();
    this.heartbeat?.cancel();
    await this.gate.run(() => this.client.zrem(keys.replicas, this.replicaId), 0);
    this.blocking.disconnect();
    this.bulk.disconnect();
    await this.followLoop;
  }

  private beat(): void {
    if (this.closed) return;
    void this.gate.run(async () => {
      const now = this.clock.now();
      await this.client
        .multi()
        .zadd(keys.replicas, now, this.replicaId)
        .zremrangebyscore(keys.replicas, '-inf', now - 10 * REPLICA_ALIVE_MS)
        .exec();
    }, undefined);
    this.heartbeat = this.clock.schedule(HEARTBEAT_MS, () => this.beat());
  }

  /** Waits ms, or less when close() starts. */
  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closing, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** One blocking read over every followed log; entries are applied in order, then acknowledged. */
  private async runFollowLoop(): Promise<void> {
    while (!this.closed) {
      const followed = [...this.followed.values()];
      if (followed.length === 0) {
        await this.pause(50);
        continue;
      }
      let batches: Array<[string, Array<[string, string[]]>]> | null;
      try {
        batches = await Promise.race([
          this.closing,
          this.blocking.xread(
            'COUNT',
            500,
            'BLOCK',
            FOLLOW_BLOCK_MS,
            'STREAMS',
            ...followed.map((f) => keys.log(f.scope)),
            ...followed.map((f) => f.position.id),
          ),
        ]);
        if (this.closed) return;
      } catch (err) {
        if (this.closed) return;
        this.logger.debug({ err: (err as Error).message }, 'following the shared index failed; retrying');
        await this.pause(1000);
        continue;
      }
      for (const [logKey, entries] of batches ?? []) {
        const target = followed.find((f) => keys.log(f.scope) === logKey);
        if (!target || this.followed.get(target.scope) !== target) continue;
        await this.applyBatch(target, entries);
      }
    }
  }

  private async applyBatch(target: Followed, entries: Array<[string, string[]]>): Promise<void> {
    for (const [id, fields] of entries) {
      const seq = Number(fields[fields.indexOf('seq') + 1]);
      if (seq <= target.position.seq) {
        target.position = { id, seq: target.position.seq };
        continue;
      }
      if (seq !== target.position.seq + 1) {
        this.logger.warn(
          { scope: target.scope, expected: target.position.seq + 1, got: seq },
          'the shared change log skipped entries; loading the shared index again',
        );
        this.followed.delete(target.scope);
        target.onGap();
        return;
      }
      const entry = this.parse(entryShape, fields[fields.indexOf('e') + 1], `change log entry ${target.scope}/${id}`) as ReplicationEntry | null;
      target.position = { id, seq };
      if (entry) {
        try {
          await target.onEntry(entry, target.position);
        } catch (err) {
          this.logger.error({ scope: target.scope, err }, 'applying a shared index change failed');
        }
      }
    }
    const { seq } = target.position;
    await this.gate.run(
      () => this.client.multi().hset(keys.acks(target.scope), this.replicaId, String(seq)).pexpire(keys.acks(target.scope), KEY_TTL_MS).exec(),
      null,
    );
  }

  private parse<T>(shape: z.ZodType<T>, text: string | undefined, what: string): T | null {
    try {
      const parsed = shape.safeParse(JSON.parse(text ?? ''));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    this.onBadValue(what);
    return null;
  }
}
