import { CachedTokenProvider, type IssuedToken } from '../../http/cachedTokenProvider';
import type { UpstreamHttp } from '../../http/upstreamHttp';
import { upstreamError } from '../../errors';
import type { ConnectorDeps } from '../connectorDeps';
import type { GraphSourceConfig } from './config';

/**
 * Microsoft identity platform client-credentials grant. There is no refresh token in this flow:
 * a new token is requested a few minutes before the old one expires.
 */
export class GraphTokenProvider extends CachedTokenProvider {
  private readonly tokenUrl: string;

  constructor(
    private readonly source: GraphSourceConfig,
    private readonly http: UpstreamHttp,
    private readonly deps: ConnectorDeps,
  ) {
    super(300, deps.clock);
    this.tokenUrl = source.auth.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(source.auth.tenantId)}/oauth2/v2.0/token`;
  }

  protected async acquire(): Promise<IssuedToken> {
    const { auth } = this.source;
    const labels = { source: this.source.id, vendor: 'MICROSOFT_GRAPH', grant: 'client_credentials' };
    let answer;
    try {
      answer = await this.http.call({
        method: 'POST',
        url: this.tokenUrl,
        route: 'POST /oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: auth.clientId,
          client_secret: auth.clientSecret,
          scope: auth.scope,
        }).toString(),
        idempotent: true,
        acceptStatuses: [400, 401],
        withinAdmittedCall: true,
      });
    } catch (err) {
      this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'error' });
      throw err;
    }
    const body = answer.json as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'refused' });
      const code = typeof body?.error === 'string' ? body.error : undefined;
      throw this.http.failed(
        upstreamError.authFailed(
          { id: this.source.id, vendor: 'MICROSOFT_GRAPH' },
          { by: 'the identity platform', upstreamStatus: answer.status, upstreamCode: code },
        ),
        true,
      );
    }
    this.deps.metrics.tokenRenewals.inc({ ...labels, outcome: 'ok' });
    this.deps.redactor.addRuntime(body.access_token);
    return { accessToken: body.access_token, expiresInSeconds: Number(body.expires_in) || 3599 };
  }
}
