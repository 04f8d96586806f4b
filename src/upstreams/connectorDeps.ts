import type { SourceConfig } from '../config';
import type { UpstreamHttpOptions } from '../http/upstreamHttp';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import type { SecretRedactor } from '../redaction';

/** What every connector gets from the gateway besides its own configuration. */
export interface ConnectorDeps {
  metrics: GatewayMetrics;
  logger: Logger;
  redactor: SecretRedactor;
  clock: Clock;
}

/** Transport options from a source's configuration (defaults applied there), the same way for every vendor. */
export function upstreamHttpOptions(config: SourceConfig, vendor: VendorValue, upstreamCodeOf: (body: unknown) => string | undefined): UpstreamHttpOptions {
  return {
    sourceId: config.id,
    vendor,
    caFile: config.tls?.caFile,
    insecureSkipVerify: config.tls?.insecureSkipVerify,
    timeouts: config.timeouts,
    connections: config.connections,
    maxResponseBytes: config.maxResponseBytes,
    maxRetries: config.retries.max,
    maxRetryAfterSeconds: config.retries.maxRetryAfterSeconds,
    circuitBreaker: { failureThreshold: config.circuitBreaker.failureThreshold, openMs: config.circuitBreaker.openSeconds * 1000 },
    upstreamCodeOf,
  };
}
