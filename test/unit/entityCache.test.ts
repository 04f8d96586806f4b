import { EntityCache } from '../../src/cache/entityCache';
import { MemoryCacheStore } from '../../src/cache/memoryCacheStore';
import { GatewayMetrics } from '../../src/metrics';
import { ManualClock } from '../support/manualClock';

const ttls = { liveMs: 5_000, terminalMs: 300_000, organizationsMs: 300_000, notFoundMs: 30_000 };

describe('entity cache read-through', () => {
  const make = () => {
    const clock = new ManualClock();
    return new EntityCache(new MemoryCacheStore({ maxEntries: 1000, maxBytes: 10_000_000 }, clock), ttls, new GatewayMetrics(), clock);
  };

  it('loads only what is missing, in key order, and stores values with the TTL their kind gets', async () => {
    const cache = make();
    const loads: string[][] = [];
    const load = async (missing: string[]) => {
      loads.push(missing);
      return missing.map((k) => `value-of-${k}`);
    };
    expect(
      await cache.readThrough(
        'session',
        ['a', 'b'],
        (k) => k,
        load,
        () => 1000,
      ),
    ).toEqual(['value-of-a', 'value-of-b']);
    expect(
      await cache.readThrough(
        'session',
        ['b', 'c', 'a'],
        (k) => k,
        load,
        () => 1000,
      ),
    ).toEqual(['value-of-b', 'value-of-c', 'value-of-a']);
    expect(loads).toEqual([['a', 'b'], ['c']]);
  });

  it('remembers "no such thing" (null) for its own TTL: an unknown id asked again costs no load', async () => {
    const cache = make();
    let calls = 0;
    const load = async (missing: string[]) => {
      calls += missing.length;
      return missing.map(() => null);
    };
    const ids = Array.from({ length: 500 }, (_, i) => `unknown-${i}`);
    await cache.readThrough<string, string | null>(
      'session',
      ids,
      (k) => k,
      load,
      (v) => (v === null ? ttls.notFoundMs : 1000),
    );
    await cache.readThrough<string, string | null>(
      'session',
      ids,
      (k) => k,
      load,
      (v) => (v === null ? ttls.notFoundMs : 1000),
    );
    expect(calls).toBe(500);
  });

  it('never stores an error, and a key already loading is waited for, not loaded twice', async () => {
    const cache = make();
    let calls = 0;
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = async (missing: string[]) => {
      calls++;
      await gate;
      return missing.map((k) => (k === 'bad' ? new Error('upstream said no') : k.toUpperCase()));
    };
    const first = cache.readThrough(
      'events',
      ['x', 'bad'],
      (k) => k,
      load,
      () => 1000,
    );
    const second = cache.readThrough(
      'events',
      ['x'],
      (k) => k,
      load,
      () => 1000,
    );
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a[0]).toBe('X');
    expect(a[1]).toBeInstanceOf(Error);
    expect(b).toEqual(['X']);
    expect(calls).toBe(1);
    const again = await cache.readThrough(
      'events',
      ['bad'],
      (k) => k,
      load,
      () => 1000,
    );
    expect(again[0]).toBeInstanceOf(Error);
    expect(calls).toBe(2);
  });
});
