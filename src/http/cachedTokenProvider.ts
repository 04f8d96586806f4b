import type { Clock } from '../clock';
import type { TokenProvider } from './upstreamHttp';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/**
 * Caches a bearer token and renews it before it expires (10% of its lifetime, at most
 * `renewBeforeSeconds` early), with one renewal in flight at a time however many requests wait.
 */
export abstract class CachedTokenProvider implements TokenProvider {
  private current: { token: string; renewAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly renewBeforeSeconds: number,
    private readonly clock: Clock,
  ) {}

  /** Obtains a new token from the upstream (first login, or renewal). */
  protected abstract acquire(): Promise<IssuedToken>;

  async getToken(): Promise<string> {
    const now = this.clock.now();
    if (this.current && now < this.current.renewAt) return this.current.token;
    if (!this.inFlight) {
      this.inFlight = this.acquire()
        .then(({ accessToken, expiresInSeconds }) => {
          const lifetimeMs = Math.max(1, expiresInSeconds) * 1000;
          const early = Math.min(this.renewBeforeSeconds * 1000, lifetimeMs / 10);
          this.current = { token: accessToken, renewAt: this.clock.now() + lifetimeMs - early };
          return accessToken;
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}
