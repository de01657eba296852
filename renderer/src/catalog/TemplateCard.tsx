import { useState } from 'react';
import type { TemplateDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { launchSession } from '../sessions/session-commands';
import { useLaunchBlocked } from '../sessions/useQuota';

export function TemplateCard({ template }: { template: TemplateDto }) {
  const services = useServices();
  const [launching, setLaunching] = useState(false);
  // aria-disabled rather than disabled: the button stays focusable, so its tooltip can be read.
  const blocked = useLaunchBlocked();
  const headingId = `template-${template.name}-title`;

  async function onLaunch() {
    if (blocked) return;
    setLaunching(true);
    await launchSession(services, template);
    setLaunching(false);
  }

  return (
    <li className="template-card" data-testid={`template-card-${template.name}`} aria-labelledby={headingId}>
      <div className="template-head">
        <span className={`template-icon hue-${hueOf(template.category)}`} aria-hidden="true">
          {template.displayName.slice(0, 1).toUpperCase()}
        </span>
        <div>
          <h3 id={headingId}>{template.displayName}</h3>
          <span className="template-category">{template.category}</span>
        </div>
      </div>
      {template.description && <p className="template-description">{template.description}</p>}
      {template.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {template.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
      <div className="template-foot">
        <span className="muted small">
          {template.defaultResources.cpu} CPU · {template.defaultResources.memory}
        </span>
        <button
          type="button"
          className="btn btn-primary"
          data-testid={`launch-${template.name}`}
          aria-label={`Launch ${template.displayName}`}
          aria-disabled={blocked !== null}
          title={blocked ?? undefined}
          disabled={launching}
          onClick={() => void onLaunch()}
        >
          {launching ? 'Launching…' : 'Launch'}
        </button>
      </div>
    </li>
  );
}

/** A stable colour per category, so cards of one kind look related. */
function hueOf(category: string): number {
  let hash = 0;
  for (const char of category) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 6;
}
