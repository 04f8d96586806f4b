import { CachedTokenProvider, type IssuedToken } from '../../http/cachedTokenProvider';
import type { UpstreamHttp } from '../../http/upstreamHttp';
import { upstreamError } from '../../errors';
import type { ConnectorDeps } from '../connectorDeps';
import type { VeeamSourceConfig } from './config';

interface VeeamTokenBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
}

/**
 * VB365 `/token`: the password grant to log in, the refresh_token grant to renew before expiry
 * (replacing both tokens), and a fresh login when the refresh is refused (gotcha G2). v7+ servers
 * get `disable_antiforgery_token=true`, which server-to-server callers need (gotcha G3).
 */
export class VeeamTokenProvider extends CachedTokenProvider {
  private refreshToken: string | null = null;

  constructor(
    private readonly source: VeeamSourceConfig,
    private readonly http: UpstreamHttp,
    private readonly deps: ConnectorDeps,
  ) {
    super(60, deps.clock);
  }

  protected async acquire(): Promise<IssuedToken> {
    if (this.refreshToken) {
      const refreshed = await this.grant({ grant_type: 'refresh_token', refresh_token: this.refreshToken });
      if (refreshed) return refreshed;
      this.refreshToken = null;
    }
    const login = await this.grant({ grant_type: 'password', username: this.source.auth.username, password: this.source.auth.password });
    if (!login) {
      throw this.http.failed(upstreamError.authFailed({ id: this.source.id, vendor: 'VEEAM' }, { by: 'the Veeam server', upstreamStatus: 400 }), true);
    }
    return login;
  }

  /** One grant; null when the server refuses it (400/401), an error when it cannot answer. */
  private async grant(form: Record<string, string>): Promise<IssuedToken | null> {
    const labels = { source: this.source.id, vendor: 'VEEAM', grant: form.grant_type };
    if (this.source.apiVersion !== 'v6') form.disable_antiforgery_token = 'true';
    let answer;
    try {
      answer = await this.http.call({
        method: 'POST',
        url: `${this.source.baseUrl.replace(/\/+$/, '')}/${this.source.apiVersion}/token`,
        route: 'POST /token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        idempotent: form.grant_type === 'password',
        acceptStatuses: [400, 401],
        withinAdmittedCall: true,
      });
    } catch (err) {
      this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'error' });
      throw err;
    }
    const body = answer.json as VeeamTokenBody | undefined;
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'refused' });
      return null;
    }
    this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'ok' });
    this.deps.redactor.addRuntime(body.access_token);
    if (typeof body.refresh_token === 'string') this.deps.redactor.addRuntime(body.refresh_token);
    this.refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : null;
    return { accessToken: body.access_token, expiresInSeconds: Number(body.expires_in) || 3600 };
  }
}
