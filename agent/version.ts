import { version } from '../package.json';

/** Reported in hello; the agent ships with the app, so it shares the app's version. */
export const AGENT_VERSION: string = version;
