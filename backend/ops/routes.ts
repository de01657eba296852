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
      throw new HttpError(
        503,
        'internal',
        `database unreachable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return { status: 'ready' as const, database: 'ok' as const, agentsOnline: deps.agentsOnline() };
  });
  register(routes.metrics, async ({ res }) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
    return SENT;
  });
}
