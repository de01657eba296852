import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StackProcess, startStackProcess } from '../../tests/support/stack-process';

/** The one template of a flood stack's catalog. */
export const FLOOD_TEMPLATE = 'xterm-flood';

// A terminal that never stops scrolling: the busiest thing a VNC session commonly shows.
const FLOOD_TEMPLATE_YAML = `name: ${FLOOD_TEMPLATE}
displayName: Terminal flood
description: Bench only. An xterm that redraws without pause.
category: Tools
icon: terminal
tags: [bench]
defaultResources: { memory: 256Mi, cpu: 250m }
local:
  command: [xterm, -geometry, 120x40+0+0, -e, sh, -c, 'while :; do ls -lR /usr; done']
`;

export interface FloodStack {
  stack: StackProcess;
  /** Stops the stack and removes its catalog; sessions it started must be ended before. */
  stop(): Promise<void>;
}

/**
 * A real headless stack whose catalog holds FLOOD_TEMPLATE, signed in to as `admin` with
 * `adminPassword`. If the bench dies half-way, the stack does not stay behind it.
 */
export async function startFloodStack(adminPassword: string, tmpPrefix: string): Promise<FloodStack> {
  const templates = mkdtempSync(join(tmpdir(), tmpPrefix));
  writeFileSync(join(templates, `${FLOOD_TEMPLATE}.yaml`), FLOOD_TEMPLATE_YAML);
  const stack = await startStackProcess({
    STREAMSPACE_ADMIN_PASSWORD: adminPassword,
    STREAMSPACE_TEMPLATES_DIR: templates,
    LOG_LEVEL: 'warn',
  });
  const orphanGuard = () => stack.child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  return {
    stack,
    async stop() {
      process.off('exit', orphanGuard);
      await stack.stop();
      rmSync(templates, { recursive: true, force: true });
    },
  };
}
