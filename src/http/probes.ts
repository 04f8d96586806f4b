import type { Express } from 'express';
import type { GatewayServices } from '../context';

export type LifecycleState = 'warming' | 'ready' | 'stopping';

/**
 * `/healthz` (the process is alive), `/readyz` (503 "warming" until every source's first read has
 * ended, 503 "stopping" during shutdown, else "ready" or "degraded" with each source's health and
 * index state) and `/metrics` (Prometheus). None needs caller credentials.
 */
export function mountProbes(app: Express, services: GatewayServices, lifecycle: () => LifecycleState): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const state = lifecycle();
    const sources = [...services.connectors.values()].map((c) => ({
      id: c.source.id,
      vendor: c.source.vendor,
      health: c.health.health,
      sync: services.indexes.index(c.source.id)?.status.state ?? 'WARMING',
    }));
    if (state !== 'ready') {
      res.status(503).json({ status: state, sources });
      return;
    }
    res.json({ status: sources.every((s) => s.health === 'UP') ? 'ready' : 'degraded', sources });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
}
