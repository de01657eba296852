import { Router } from 'express';
import type { Metrics } from './metrics';

export function opsRoutes(deps: {
  ping: () => Promise<void>;
  agentsOnline: () => number;
  metrics: Metrics;
}): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    try {
      await deps.ping();
      res.json({ status: 'ready', database: 'ok', agentsOnline: deps.agentsOnline() });
    } catch (err) {
      res.status(503).json({
        error: {
          code: 'internal',
          message: `database unreachable: ${err instanceof Error ? err.message : String(err)}`,
        },
      });
    }
  });
  r.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  return r;
}
