import { describe, expect, it } from 'vitest';
import type { TemplateDto } from '../../../protocol';
import { categoriesOf, filterTemplates } from './filter-templates';

const template = (name: string, category: string, extra: Partial<TemplateDto> = {}): TemplateDto => ({
  name,
  displayName: name[0]!.toUpperCase() + name.slice(1),
  description: '',
  category,
  tags: [],
  defaultResources: { memory: '1Gi', cpu: '1' },
  runtimes: ['local'],
  ...extra,
});

const all = [
  template('firefox', 'Browsers', { description: 'The Mozilla web browser', tags: ['web'] }),
  template('chromium', 'Browsers', { tags: ['web', 'google'] }),
  template('vscode', 'Development', { displayName: 'VS Code', tags: ['editor'] }),
];

const names = (list: TemplateDto[]) => list.map((t) => t.name);

describe('filterTemplates', () => {
  it('returns everything for an empty filter', () => {
    expect(names(filterTemplates(all, { q: '', category: '' }))).toEqual(['firefox', 'chromium', 'vscode']);
  });

  it('matches words case-insensitively across fields', () => {
    expect(names(filterTemplates(all, { q: 'MOZILLA', category: '' }))).toEqual(['firefox']);
    expect(names(filterTemplates(all, { q: 'web google', category: '' }))).toEqual(['chromium']);
    expect(names(filterTemplates(all, { q: 'vs code', category: '' }))).toEqual(['vscode']);
  });

  it('filters by category', () => {
    expect(names(filterTemplates(all, { q: '', category: 'Development' }))).toEqual(['vscode']);
    expect(names(filterTemplates(all, { q: 'web', category: 'Development' }))).toEqual([]);
  });
});

describe('categoriesOf', () => {
  it('lists distinct categories sorted', () => {
    expect(categoriesOf(all)).toEqual(['Browsers', 'Development']);
  });
});
