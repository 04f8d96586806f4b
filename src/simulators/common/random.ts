/**
 * Deterministic pseudo-random numbers (mulberry32) so that a seed always yields the same
 * simulated tenant: tests and benchmarks can rely on exact data.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A version-4-shaped GUID, lower case, as both vendors print them. */
  guid(): string {
    // Four 32-bit draws give the 122 random bits of a v4 GUID.
    const word = () =>
      Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    const a = word();
    const b = word();
    const c = word();
    const d = word();
    const variant = (8 + (parseInt(c[0], 16) & 3)).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

/** Derives an independent seed from a base seed and a label (FNV-1a), for lazily generated data. */
export function deriveSeed(seed: number, label: string | number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const ch of String(label)) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
