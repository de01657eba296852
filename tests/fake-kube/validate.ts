import { matchesLabels, type Requirement } from './label-selector.js';
import type { ResourceType } from './resources.js';
import { invalid } from './status.js';
import { isRecord, type KubeObject } from './types.js';

// The few validations clients hit in practice: bad names and a Deployment selector that does not
// match its template (transcript 02 shows the apiserver reporting both causes in one 422).

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Go's %#v of map[string]string, which the apiserver prints in selector errors. */
function goMap(labels: Record<string, string>): string {
  const entries = Object.keys(labels)
    .sort()
    .map((k) => `"${k}":"${labels[k]}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

function matchLabelsRequirements(selector: unknown): Requirement[] {
  if (!isRecord(selector) || !isRecord(selector.matchLabels)) return [];
  return Object.entries(selector.matchLabels).map(([key, value]) => ({
    key,
    op: 'in',
    values: [String(value)],
  }));
}

export function validateObject(type: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name ?? '';
  const causes: { field: string; message: string }[] = [];
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${SUBDOMAIN_MESSAGE}` });
  }
  if (type.plural === 'deployments') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const template = isRecord(spec.template) ? spec.template : {};
    const templateMeta = isRecord(template.metadata) ? template.metadata : {};
    const labels = (isRecord(templateMeta.labels) ? templateMeta.labels : {}) as Record<string, string>;
    const requirements = matchLabelsRequirements(spec.selector);
    if (requirements.length > 0 && !matchesLabels(requirements, labels)) {
      causes.push({
        field: 'spec.template.metadata.labels',
        message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      });
    }
  }
  if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
}
