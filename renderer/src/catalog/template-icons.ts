/// <reference types="vite/client" />

/**
 * The catalog's template icons, resources/icons/templates/<icon>.svg, bundled by Vite as hashed
 * assets of the renderer (or data: URIs when small), so they load under the page's
 * `img-src 'self' data:` policy with no extra route.
 */
const urls = import.meta.glob<string>('../../../resources/icons/templates/*.svg', {
  eager: true,
  query: '?url',
  import: 'default',
});

const byIcon = new Map(
  Object.entries(urls).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1, -'.svg'.length), url]),
);

/** The URL of a shipped icon, or undefined for a template (say, a user's own) whose icon is not one. */
export function templateIconUrl(icon: string | undefined): string | undefined {
  return icon === undefined ? undefined : byIcon.get(icon);
}

/** Every shipped icon name, for the test that each template's icon exists. */
export function shippedIcons(): string[] {
  return [...byIcon.keys()].sort();
}
