import type { SourceConfig } from '../config';
import type { UpstreamHttpOptions } from '../http/upstreamHttp';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { VendorValue } from '../model';
import type { SecretRedactor } from '../redaction';
import { UnmappableItemError, upstreamError, type SourceRef } from '../errors';

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

/**
 * Maps upstream items to the model. An item the gateway cannot represent (no id, a type the schema
 * has no value for) makes the whole answer a contract error for that source; any other exception
 * is a bug of ours and goes on as it is (INTERNAL_SERVER_ERROR, logged), never blamed on the upstream.
 */
export function mapUpstreamItems<T, R>(items: readonly T[], map: (item: T) => R, source: SourceRef): R[] {
  return items.map((item) => {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') throw upstreamError.unavailable(source, 'sent an item without an id');
    try {
      return map(item);
    } catch (err) {
      if (err instanceof UnmappableItemError) throw upstreamError.unavailable(source, `sent an item the gateway cannot represent (${err.message})`);
      throw err;
    }
  });
}
