import { createHash } from 'node:crypto';

/** A JSON.stringify replacer that writes every object's keys in sorted order (records that crossed Redis come back reordered). */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

/** 64 bits of a record's SHA-1, as two unsigned 32-bit halves. */
export type ContentHash = readonly [number, number];

/**
 * An order-independent digest of a set of records, kept up to date one record at a time: each
 * record's 64-bit hash is XORed in when it arrives and XORed out when it leaves. Two holders of
 * the same records (two replicas of one index) get the same digest whatever order the records
 * reached them in, so the digest can name "this content" across processes.
 */
export class ContentDigest {
  private high = 0;
  private low = 0;

  /** The record's hash, to keep beside it and pass to `remove` later; key order does not matter. */
  static hashOf(record: unknown): ContentHash {
    return ContentDigest.hashOfCanonical(ContentDigest.canonicalJson(record));
  }

  /**
   * The record as JSON with every object's keys sorted: one text per content. Stored that way,
   * a record read back can be hashed from its bytes without being parsed and written again
   * (JSON.parse then `canonicalJson` gives back the same text).
   */
  static canonicalJson(record: unknown): string {
    return JSON.stringify(record, sortedKeys);
  }

  /** The hash of a record from its canonical JSON (text or its UTF-8 bytes): equal to `hashOf` of the parsed record. */
  static hashOfCanonical(canonical: string | Buffer): ContentHash {
    const digest = createHash('sha1').update(canonical).digest();
    return [digest.readUInt32BE(0), digest.readUInt32BE(4)];
  }

  add(hash: ContentHash): void {
    this.high = (this.high ^ hash[0]) >>> 0;
    this.low = (this.low ^ hash[1]) >>> 0;
  }

  remove(hash: ContentHash): void {
    // XOR is its own inverse.
    this.add(hash);
  }

  clear(): void {
    this.high = 0;
    this.low = 0;
  }

  toString(): string {
    return this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0');
  }
}
