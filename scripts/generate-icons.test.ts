import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICONS_DIR, iconPlan, outdatedFiles, strayFiles, tint } from './generate-icons';
import { ICNS_TYPES, readIcns, readIco } from './icons/containers';
import { pngSize } from './icons/png';

const hasRsvg = (() => {
  try {
    execFileSync('rsvg-convert', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the committed icons', () => {
  const plan = iconPlan();

  it('are every file the plan names, at the sizes it names, and nothing else', () => {
    expect(strayFiles(plan)).toEqual([]);
    for (const output of plan) {
      const file = readFileSync(join(ICONS_DIR, output.file));
      if (output.kind === 'png') {
        expect(pngSize(file), output.file).toEqual({ width: output.raster.size, height: output.raster.size });
      } else if (output.kind === 'ico') {
        expect(
          readIco(file).map((e) => e.width),
          output.file,
        ).toEqual(output.rasters.map((r) => r.size));
      } else {
        expect(readIcns(file).map((e) => e.type)).toEqual(ICNS_TYPES.map((t) => t.type));
      }
    }
  });

  it('cover the app icon from 16 to 512 px on Linux, 1024 on macOS and 256 on Windows', () => {
    const files = plan.map((o) => o.file);
    for (const n of [16, 32, 48, 128, 256, 512]) expect(files).toContain(`linux/${n}x${n}.png`);
    const icns = readIcns(readFileSync(join(ICONS_DIR, 'icon.icns')));
    expect(pngSize(icns.find((e) => e.type === 'ic10')!.data).width).toBe(1024);
    expect(readIco(readFileSync(join(ICONS_DIR, 'icon.ico'))).at(-1)).toMatchObject({
      width: 256,
      format: 'png',
    });
  });

  it.skipIf(!hasRsvg)(
    `match a fresh rendering of the SVGs${hasRsvg ? '' : ' (skipped: rsvg-convert from librsvg2-bin is not installed)'}`,
    () => {
      expect(outdatedFiles(plan)).toEqual([]);
    },
  );
});

describe('tint', () => {
  it('recolours the black master and refuses a master without the marker colour', () => {
    expect(tint('<path fill="#000000"/>', '#e53935')).toBe('<path fill="#e53935"/>');
    expect(tint('<path fill="#000000"/>', undefined)).toBe('<path fill="#000000"/>');
    expect(() => tint('<path fill="black"/>', '#e53935')).toThrow('no fill="#000000"');
  });
});
