import { routes } from '../../protocol';
import { HttpError } from '../http/errors';
import { type routeRegistrar, SENT } from '../http/register';
import type { Metrics } from './metrics';

export function opsRoutes(
  register: ReturnType<typeof routeRegistrar>,
  deps: { ping: () => Promise<void>; agentsOnline: () => number; metrics: Metrics },
): void {
  register(routes.healthz, () => ({ status: 'ok' as const }));
  register(routes.readyz, async () => {
    try {
      await deps.ping();
    } catch (err) {
      // Anyone may ask; driver text names hosts, users and paths, so it goes to the log only.
      throw new HttpError(503, 'internal', 'database unavailable', undefined, undefined, { cause: err });
    }
    return { status: 'ready' as const, database: 'ok' as const, agentsOnline: deps.agentsOnline() };
  });
  register(routes.metrics, async ({ res }) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
    return SENT;
  });
}
