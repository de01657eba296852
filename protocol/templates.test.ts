import { describe, expect, it } from 'vitest';
import { TemplateDto, TemplateFile } from './templates';

const base = {
  name: 'gimp',
  displayName: 'GIMP',
  category: 'Graphics',
  defaultResources: { memory: '2Gi', cpu: '1' },
};

describe('local.aptPackage', () => {
  it('is optional, and kept when it is a Debian package name', () => {
    expect(TemplateFile.parse({ ...base, local: { command: ['gimp'] } }).local?.aptPackage).toBeUndefined();
    for (const name of ['gimp', 'x11-apps', 'libreoffice-writer', 'g++', 'firefox-esr', 'python3.11']) {
      expect(
        TemplateFile.parse({ ...base, local: { command: ['x'], aptPackage: name } }).local?.aptPackage,
      ).toBe(name);
    }
  });

  it.each([
    ['uppercase', 'GIMP'],
    ['a shell injection', 'gimp; rm -rf /'],
    ['a space', 'gimp inkscape'],
    ['an option', '--yes'],
    ['one character', 'g'],
  ])('rejects %s', (_label, aptPackage) => {
    expect(TemplateFile.safeParse({ ...base, local: { command: ['gimp'], aptPackage } }).success).toBe(false);
  });
});

describe('TemplateDto.notInstalled', () => {
  const dto = {
    name: 'gimp',
    displayName: 'GIMP',
    description: '',
    category: 'Graphics',
    tags: [],
    defaultResources: { memory: '2Gi', cpu: '1' },
    runtimes: ['local'],
  };

  it('is optional, so older servers still parse', () => {
    expect(TemplateDto.parse(dto).notInstalled).toBeUndefined();
  });

  it('carries the program, the package and the hint', () => {
    const notInstalled = { program: 'gimp', aptPackage: 'gimp', hint: 'Install with: sudo apt install gimp' };
    expect(TemplateDto.parse({ ...dto, notInstalled }).notInstalled).toEqual(notInstalled);
    expect(TemplateDto.safeParse({ ...dto, notInstalled: { program: '', hint: 'x' } }).success).toBe(false);
  });
});
