import { CachedTokenProvider, type IssuedToken } from '../../src/http/cachedTokenProvider';
import { ManualClock } from '../support/manualClock';

class CountingProvider extends CachedTokenProvider {
  issued = 0;
  release: (() => void) | null = null;
  constructor(
    clock: ManualClock,
    private readonly lifetimeSeconds: number,
    private readonly hold = false,
  ) {
    super(60, clock);
  }
  protected async acquire(): Promise<IssuedToken> {
    this.issued++;
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    return { accessToken: `token-${this.issued}`, expiresInSeconds: this.lifetimeSeconds };
  }
}

describe('cached token provider', () => {
  it('asks once however many wait, and reuses the token until shortly before it expires', async () => {
    const clock = new ManualClock();
    const tokens = new CountingProvider(clock, 3600, true);
    const waiting = Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    await Promise.resolve();
    tokens.release?.();
    expect(await waiting).toEqual(['token-1', 'token-1', 'token-1']);
    expect(tokens.issued).toBe(1);
  });

  it('renews 60 s early for an hour-long token (10% of the lifetime for short ones)', async () => {
    const clock = new ManualClock();
    const long = new CountingProvider(clock, 3600);
    expect(await long.getToken()).toBe('token-1');
    await clock.advance(3539_000);
    expect(await long.getToken()).toBe('token-1');
    await clock.advance(1_000);
    expect(await long.getToken()).toBe('token-2');
    const short = new CountingProvider(clock, 100);
    await short.getToken();
    await clock.advance(89_000);
    expect(await short.getToken()).toBe('token-1');
    await clock.advance(1_000);
    expect(await short.getToken()).toBe('token-2');
  });

  it('drops a refused token so the next call renews, but only that token', async () => {
    const clock = new ManualClock();
    const tokens = new CountingProvider(clock, 3600);
    await tokens.getToken();
    tokens.invalidate('some-older-token');
    expect(await tokens.getToken()).toBe('token-1');
    tokens.invalidate('token-1');
    expect(await tokens.getToken()).toBe('token-2');
  });
});
