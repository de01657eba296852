import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadTemplates } from '../../backend/templates/loader';
import { ROOT, readImagesList } from './resource-files';

// The shipped catalog: the apps the README lists, each with its own drawn icon and the package
// the local runtime's "not installed" note names.

const { templates, problems } = loadTemplates([join(ROOT, 'resources', 'templates')]);
const ICONS_DIR = join(ROOT, 'resources', 'icons', 'templates');

describe('resources/templates', () => {
  it('ships at least ten valid templates, the desktop and office apps among them', () => {
    expect(problems).toEqual([]);
    expect(templates.length).toBeGreaterThanOrEqual(10);
    expect(templates.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'xterm',
        'xclock',
        'chromium',
        'firefox',
        'xfce',
        'libreoffice',
        'gimp',
        'inkscape',
        'mousepad',
        'thunar',
      ]),
    );
  });

  it('runs the Xfce desktop without the single-app window manager: it brings xfwm4', () => {
    expect(templates.find((t) => t.name === 'xfce')?.local?.windowManager).toBe(false);
  });

  it.each(templates.map((t) => [t.name, t] as const))('%s names its apt package and an icon', (_name, t) => {
    expect(t.local?.aptPackage, 'local.aptPackage').toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
    expect(t.icon, 'icon').toBeDefined();
    expect(existsSync(join(ICONS_DIR, `${t.icon}.svg`)), `resources/icons/templates/${t.icon}.svg`).toBe(
      true,
    );
  });
});

describe('resources/icons/templates', () => {
  const used = [...new Set(templates.map((t) => t.icon).filter((i): i is string => i !== undefined))].sort();

  it.each(used)('%s.svg is a plain 48x48 SVG: no scripts, no embedded or linked images', (icon) => {
    const svg = readFileSync(join(ICONS_DIR, `${icon}.svg`), 'utf8');
    expect(svg.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"')).toBe(
      true,
    );
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Shown through <img>, which runs no script anyway; kept out so the files stay simple drawings.
    for (const banned of ['<script', '<image', 'href=', '<foreignObject', 'url('])
      expect(svg).not.toContain(banned);
    // Small enough to be inlined or fetched at no cost.
    expect(svg.length).toBeLessThan(4096);
  });
});

describe('electron-builder.yml', () => {
  it('packages the Dockerfile folder of every session image, new templates included', () => {
    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
      extraResources: { from: string; filter?: string[] }[];
    };
    const filter = config.extraResources.find((r) => r.from === 'resources/images')?.filter ?? [];
    for (const entry of readImagesList().filter((e) => e.role === 'session' || e.role === 'base')) {
      expect(filter, entry.name).toContain(`${entry.name}/**`);
    }
  });
});
