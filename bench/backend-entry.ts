/**
 * The control plane as `node out/server/backend.js` runs it, for the tunnel benchmark, answering
 * SIGUSR2 with its relays' peak held bytes (bench/lib/relay-peak.ts).
 */
import { answerPeakRequests } from './lib/relay-peak';

answerPeakRequests();
await import('../backend/main');
