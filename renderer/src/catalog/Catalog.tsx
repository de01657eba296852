import { useEffect, useMemo, useState } from 'react';
import { useServices } from '../app/services-context';
import { categoriesOf, filterTemplates } from './filter-templates';
import { TemplateCard } from './TemplateCard';
import { useTemplates } from './templates-store';

export function Catalog() {
  const { api } = useServices();
  const templates = useTemplates((s) => s.templates);
  const status = useTemplates((s) => s.status);
  const error = useTemplates((s) => s.error);
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');

  useEffect(() => {
    void useTemplates.getState().load(api);
  }, [api]);

  const categories = useMemo(() => categoriesOf(templates), [templates]);
  const shown = useMemo(() => filterTemplates(templates, { q, category }), [templates, q, category]);

  return (
    <section className="panel" aria-labelledby="catalog-heading">
      <div className="section-head">
        <h2 id="catalog-heading">Launch an app</h2>
        <div className="catalog-filters">
          <label className="visually-hidden" htmlFor="catalog-search">
            Search apps
          </label>
          <input
            id="catalog-search"
            type="search"
            placeholder="Search apps"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <label className="visually-hidden" htmlFor="catalog-category">
            Category
          </label>
          <select id="catalog-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </div>
      {status === 'error' && templates.length === 0 ? (
        <div className="empty">
          <p className="empty-title">The catalog could not be loaded</p>
          <p className="muted">{error}</p>
          <button type="button" className="btn" onClick={() => void useTemplates.getState().load(api)}>
            Try again
          </button>
        </div>
      ) : templates.length === 0 && status !== 'ready' ? (
        <p className="muted placeholder">Loading the catalog…</p>
      ) : shown.length === 0 ? (
        <div className="empty">
          <p className="empty-title">{templates.length === 0 ? 'No apps are available' : 'No apps match'}</p>
          {templates.length > 0 && <p className="muted">Try another word or category.</p>}
        </div>
      ) : (
        <ul className="template-grid">
          {shown.map((template) => (
            <TemplateCard key={template.name} template={template} />
          ))}
        </ul>
      )}
    </section>
  );
}
