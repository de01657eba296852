import { useState } from 'react';
import type { TemplateDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { launchSession } from '../sessions/session-commands';
import { useLaunchBlocked } from '../sessions/useQuota';
import { templateIconUrl } from './template-icons';
import './catalog.css';

export function TemplateCard({ template }: { template: TemplateDto }) {
  const services = useServices();
  const [launching, setLaunching] = useState(false);
  // aria-disabled rather than disabled: the button stays focusable, so its tooltip (why it cannot
  // launch: the quota, or the app missing from this computer) can be read.
  const blocked = useLaunchBlocked();
  const headingId = `template-${template.name}-title`;
  const noteId = `template-${template.name}-missing`;
  const iconUrl = templateIconUrl(template.icon);
  const missing = template.notInstalled;

  async function onLaunch() {
    if (blocked || missing) return;
    setLaunching(true);
    await launchSession(services, template);
    setLaunching(false);
  }

  return (
    <li className="template-card" data-testid={`template-card-${template.name}`} aria-labelledby={headingId}>
      <div className="template-head">
        {iconUrl ? (
          <img className="template-icon template-icon-img" src={iconUrl} alt="" width={40} height={40} />
        ) : (
          <span className={`template-icon hue-${hueOf(template.category)}`} aria-hidden="true">
            {template.displayName.slice(0, 1).toUpperCase()}
          </span>
        )}
        <div>
          <h3 id={headingId}>{template.displayName}</h3>
          <span className="template-category">{template.category}</span>
        </div>
      </div>
      {template.description && <p className="template-description">{template.description}</p>}
      {missing && (
        <p className="template-missing" id={noteId} data-testid={`not-installed-${template.name}`}>
          <strong>Not installed</strong> on this computer. {missing.hint}
        </p>
      )}
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
          aria-disabled={blocked !== null || missing !== undefined}
          aria-describedby={missing ? noteId : undefined}
          title={blocked ?? missing?.hint}
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
