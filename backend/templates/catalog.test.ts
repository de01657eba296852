import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TemplateFile } from '../../protocol';
import { TemplateCatalog, toTemplateDto } from './catalog';
import { loadTemplates } from './loader';

const base = {
  displayName: 'X',
  category: 'Tools',
  defaultResources: { memory: '512Mi', cpu: '500m' },
};

describe('template schema', () => {
  it('accepts a minimal template and fills defaults', () => {
    const t = TemplateFile.parse({ ...base, name: 'xterm', local: { command: ['xterm'] } });
    expect(t.tags).toEqual([]);
    expect(t.description).toBe('');
    expect(t.local?.env).toEqual({});
  });

  it.each([
    ['uppercase name', { ...base, name: 'XTerm' }],
    ['path traversal in name', { ...base, name: '../etc' }],
    ['unknown field', { ...base, name: 'a', shell: 'rm -rf /' }],
    ['bad memory', { ...base, name: 'a', defaultResources: { memory: 'lots', cpu: '1' } }],
    ['empty command', { ...base, name: 'a', local: { command: [] } }],
    ['bad port', { ...base, name: 'a', kubernetes: { image: 'x', vncPort: 70000 } }],
  ])('rejects %s', (_label, value) => {
    expect(TemplateFile.safeParse(value).success).toBe(false);
  });
});

describe('loadTemplates', () => {
  it('loads the shipped templates: xterm, firefox and chromium at least', () => {
    const { templates, problems } = loadTemplates([
      fileURLToPath(new URL('../../resources/templates', import.meta.url)),
    ]);
    expect(problems).toEqual([]);
    const names = templates.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['xterm', 'firefox', 'chromium']));
    const chromium = templates.find((t) => t.name === 'chromium');
    // Chromium refuses to run as root without this flag, so it is there for root and only for root.
    expect(chromium?.local?.rootArgs).toContain('--no-sandbox');
    expect(chromium?.local?.command).not.toContain('--no-sandbox');
    expect(templates.find((t) => t.name === 'firefox')?.local?.command[0]).toBe('firefox-esr');
  });

  it('reports a broken file, keeps the good ones, and lets a later folder override by name', () => {
    const a = mkdtempSync(join(tmpdir(), 'tpl-a-'));
    const b = mkdtempSync(join(tmpdir(), 'tpl-b-'));
    writeFileSync(
      join(a, 'one.yaml'),
      'name: one\ndisplayName: One\ncategory: T\ndefaultResources: {memory: 1Gi, cpu: "1"}\nlocal: {command: [xterm]}\n',
    );
    writeFileSync(join(a, 'bad.yaml'), 'name: [unclosed');
    writeFileSync(join(a, 'invalid.yml'), 'name: Bad Name\n');
    writeFileSync(
      join(b, 'one.yaml'),
      'name: one\ndisplayName: Mine\ncategory: T\ndefaultResources: {memory: 1Gi, cpu: "1"}\nlocal: {command: [xclock]}\n',
    );
    const { templates, problems } = loadTemplates([a, b]);
    expect(templates.map((t) => t.displayName)).toEqual(['Mine']);
    expect(problems.map((p) => p.file).sort()).toEqual([join(a, 'bad.yaml'), join(a, 'invalid.yml')]);
  });
});

describe('TemplateCatalog', () => {
  const catalog = new TemplateCatalog([
    TemplateFile.parse({ ...base, name: 'xterm', tags: ['shell'], local: { command: ['xterm'] } }),
    TemplateFile.parse({
      ...base,
      name: 'vscode',
      category: 'Dev',
      kubernetes: { image: 'code', vncPort: 5900 },
    }),
  ]);

  it('filters by query, category and runtime', () => {
    expect(catalog.list({ q: 'SHELL' }).map((t) => t.name)).toEqual(['xterm']);
    expect(catalog.list({ category: 'dev' }).map((t) => t.name)).toEqual(['vscode']);
    expect(catalog.list({}, ['local']).map((t) => t.name)).toEqual(['xterm']);
  });

  it('marks a template the local host lacks, and refuses to launch it naming the package', () => {
    const checked: string[] = [];
    const withHost = new TemplateCatalog(
      [
        TemplateFile.parse({ ...base, name: 'gimp', local: { command: ['gimp'], aptPackage: 'gimp' } }),
        TemplateFile.parse({ ...base, name: 'xterm', local: { command: ['xterm'] } }),
        TemplateFile.parse({ ...base, name: 'vscode', kubernetes: { image: 'code', vncPort: 5900 } }),
      ],
      (local) => {
        checked.push(local.command[0] ?? '');
        return local.command[0] === 'gimp'
          ? { program: 'gimp', aptPackage: 'gimp', hint: 'Install with: sudo apt install gimp' }
          : null;
      },
    );
    const gimp = withHost.get('gimp')!;
    expect(withHost.toDto(gimp).notInstalled).toEqual({
      program: 'gimp',
      aptPackage: 'gimp',
      hint: 'Install with: sudo apt install gimp',
    });
    expect(withHost.toDto(withHost.get('xterm')!)).not.toHaveProperty('notInstalled');
    expect(() => withHost.assertInstalled(gimp)).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'conflict',
        message: expect.stringContaining('sudo apt install gimp'),
        details: expect.objectContaining({ aptPackage: 'gimp' }),
      }),
    );
    expect(() => withHost.assertInstalled(withHost.get('xterm')!)).not.toThrow();
    // A template with no local section is not the local runtime's to judge.
    expect(withHost.toDto(withHost.get('vscode')!)).not.toHaveProperty('notInstalled');
    expect(checked).not.toContain('');
    // Without a host check (a shared control plane), nothing is marked.
    expect(catalog.toDto(catalog.get('xterm')!)).not.toHaveProperty('notInstalled');
  });

  it('hides runtime internals from the DTO', () => {
    const dto = toTemplateDto(catalog.get('vscode')!);
    expect(dto.runtimes).toEqual(['kubernetes']);
    expect(dto).not.toHaveProperty('kubernetes');
  });
});
