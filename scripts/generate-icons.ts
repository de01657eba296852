// Renders resources/icons/src/*.svg into every icon file the platforms ask for. The output is committed,
// so only someone changing an SVG needs rsvg-convert (Debian: librsvg2-bin). Run it with
// `node --import tsx scripts/generate-icons.ts`; `--check` compares instead of writing, and fails on a
// difference or a stray file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LINUX_TRAY_SIZES,
  MAC_TRAY_SIZE,
  TRAY_ICON_STATES,
  type TrayIconState,
  trayIconNames,
  WINDOWS_TRAY_SIZES,
} from '../main/tray-icon';
import { ICNS_TYPES, writeIcns, writeIco } from './icons/containers';

export const ICONS_DIR = fileURLToPath(new URL('../resources/icons/', import.meta.url));

/** Linux icon themes (hicolor) and electron-builder's linux.icon folder, named NxN.png. */
export const LINUX_APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
/** Explorer, the taskbar and the installer at 100–300 % scaling; electron-builder wants 256 in it. */
export const WINDOWS_APP_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256] as const;

/** Tints of the black tray masters for Linux and Windows, which show colour; macOS tints by itself. */
export const TRAY_COLOURS: Record<TrayIconState, string> = {
  connected: '#3d5afe',
  connecting: '#f59e0b',
  error: '#e53935',
};

/** One source drawing at one size, optionally recoloured. */
export interface Raster {
  svg: string;
  size: number;
  colour?: string;
}

export type Output = { file: string } & (
  | { kind: 'png'; raster: Raster }
  | { kind: 'ico' | 'icns'; rasters: Raster[] }
);

/** The master loses its strokes below 48 px; icon-small.svg is drawn for 16–32. */
const appRaster = (size: number): Raster => ({ svg: size <= 32 ? 'icon-small.svg' : 'icon.svg', size });

/** Every file under resources/icons except the sources, with what it is made of. */
export function iconPlan(): Output[] {
  const plan: Output[] = [
    ...LINUX_APP_SIZES.map(
      (n): Output => ({ file: `linux/${n}x${n}.png`, kind: 'png', raster: appRaster(n) }),
    ),
    { file: 'icon.png', kind: 'png', raster: appRaster(1024) },
    { file: 'icon.ico', kind: 'ico', rasters: WINDOWS_APP_SIZES.map(appRaster) },
    {
      file: 'icon.icns',
      kind: 'icns',
      rasters: [...new Set(ICNS_TYPES.map((t) => t.pixels))].map(appRaster),
    },
  ];
  for (const state of TRAY_ICON_STATES) {
    const svg = `tray-${state}.svg`;
    const colour = TRAY_COLOURS[state];
    for (const size of LINUX_TRAY_SIZES) {
      for (const scale of [1, 2] as const) {
        const raster = { svg, size: size * scale, colour };
        plan.push({ file: trayIconNames.linux(state, size, scale), kind: 'png', raster });
      }
    }
    for (const scale of [1, 2] as const) {
      const raster = { svg, size: MAC_TRAY_SIZE * scale };
      plan.push({ file: trayIconNames.mac(state, scale), kind: 'png', raster });
    }
    const rasters = WINDOWS_TRAY_SIZES.map((size) => ({ svg, size, colour }));
    plan.push({ file: trayIconNames.windows(state), kind: 'ico', rasters });
  }
  return plan;
}

/** The tray masters are filled with exactly #000000, which is what gets swapped for the tint. */
export function tint(svg: string, colour: string | undefined): string {
  if (!colour) return svg;
  if (!svg.includes('fill="#000000"')) throw new Error('the tray SVG has no fill="#000000" to tint');
  return svg.replaceAll('fill="#000000"', `fill="${colour}"`);
}

function rasterise(raster: Raster, cache: Map<string, Buffer>): Buffer {
  const key = `${raster.svg}@${raster.size}${raster.colour ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const svg = tint(readFileSync(join(ICONS_DIR, 'src', raster.svg), 'utf8'), raster.colour);
  const size = String(raster.size);
  // rsvg-convert reads the SVG from stdin, so a tinted copy never touches the disk.
  const png = execFileSync('rsvg-convert', ['--width', size, '--height', size, '--format', 'png'], {
    input: svg,
    maxBuffer: 64 * 1024 * 1024,
  });
  cache.set(key, png);
  return png;
}

export function render(output: Output, cache = new Map<string, Buffer>()): Buffer {
  if (output.kind === 'png') return rasterise(output.raster, cache);
  const pngs = output.rasters.map((r) => rasterise(r, cache));
  if (output.kind === 'ico') return writeIco(pngs);
  return writeIcns(new Map(output.rasters.map((r, i) => [r.size, pngs[i]!])));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Files in resources/icons that the plan no longer makes (sources excepted). */
export function strayFiles(plan: readonly Output[], dir = ICONS_DIR): string[] {
  const planned = new Set(plan.map((o) => o.file));
  return (
    filesUnder(dir)
      .map((path) => relative(dir, path).split('\\').join('/'))
      // templates/ holds the catalog's hand-drawn SVGs, which the renderer bundles as they are.
      .filter((file) => !file.startsWith('src/') && !file.startsWith('templates/') && !planned.has(file))
  );
}

/** The files that differ from a fresh rendering, or are missing. */
export function outdatedFiles(plan: readonly Output[], dir = ICONS_DIR): string[] {
  const cache = new Map<string, Buffer>();
  return plan
    .filter((output) => {
      try {
        return !readFileSync(join(dir, output.file)).equals(render(output, cache));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw error;
      }
    })
    .map((o) => o.file);
}

function main(): void {
  const plan = iconPlan();
  if (process.argv.includes('--check')) {
    const outdated = outdatedFiles(plan);
    const stray = strayFiles(plan);
    for (const file of outdated) console.error(`out of date: resources/icons/${file}`);
    for (const file of stray) console.error(`not generated: resources/icons/${file}`);
    if (outdated.length || stray.length) process.exit(1);
    console.log(`${plan.length} icon files up to date`);
    return;
  }
  const cache = new Map<string, Buffer>();
  for (const output of plan) {
    const path = join(ICONS_DIR, output.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, render(output, cache));
  }
  console.log(`wrote ${plan.length} icon files to resources/icons`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
