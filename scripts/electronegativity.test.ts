import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../tests/support/scratch-dir';

const installed = (() => {
  try {
    createRequire(import.meta.url).resolve('@doyensec/electronegativity');
    return true;
  } catch {
    return false;
  }
})();

// The wrapper's own judgement is tested in electronegativity-review.test.ts; this checks that the
// real tool, run offline through the wrapper, still reports what the wrapper expects to read.
describe.skipIf(!installed)(
  `electronegativity through scripts/electronegativity.ts${installed ? '' : ' (skipped: @doyensec/electronegativity is not installed)'}`,
  () => {
    const dir = scratchDir('ss-eneg-', {
      once: true,
      setup: async (path) => {
        await writeFile(
          join(path, 'main.js'),
          "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n",
        );
      },
    });

    it('reports an unsafe window and a missing navigation lock as HIGH findings', async () => {
      const { scanFolder } = await import('./electronegativity');
      const scan = await scanFolder(dir(), '41.7.1');
      expect(scan.unparsed).toEqual([]);
      expect(scan.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: 'CONTEXT_ISOLATION_JS_CHECK',
            severity: 'HIGH',
            file: 'main.js',
            line: 2,
          }),
          // Global checks judge the scanned folder as a whole, hence one folder for the whole app.
          expect.objectContaining({ id: 'LIMIT_NAVIGATION_GLOBAL_CHECK', severity: 'HIGH', file: 'N/A' }),
        ]),
      );
      expect(scan.findings.some((f) => f.id === 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK')).toBe(false);
    }, 60_000);
  },
);
