import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Readers for what ships under resources/, shared by the tests beside this file. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const IMAGES_DIR = join(ROOT, 'resources', 'images');
export const KUBERNETES_DIR = join(ROOT, 'resources', 'kubernetes');

export const rel = (path: string): string => relative(ROOT, path);

export type ImageRole = 'base' | 'session' | 'agent' | 'control-plane';

export interface ImageEntry {
  role: ImageRole;
  name: string;
  image: string;
  /** Relative to the repository root, as kind-up.sh hands them to docker build. */
  context: string;
  dockerfile: string;
}

const ROLES: readonly string[] = ['base', 'session', 'agent', 'control-plane'];

/** resources/images/images.txt, the list scripts/kind-up.sh builds from. */
export function readImagesList(): ImageEntry[] {
  const entries: ImageEntry[] = [];
  const lines = readFileSync(join(IMAGES_DIR, 'images.txt'), 'utf8').split('\n');
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const fields = text.split(/\s+/);
    const [role, name, image, context, dockerfile] = fields;
    if (fields.length !== 5 || !role || !name || !image || !context || !dockerfile || !ROLES.includes(role)) {
      throw new Error(`images.txt line ${index + 1}: expected "role name image context dockerfile": ${text}`);
    }
    entries.push({ role: role as ImageRole, name, image, context, dockerfile });
  });
  return entries;
}

/** The tag of an image reference, or undefined when it has none (which means :latest). */
export function imageTag(image: string): string | undefined {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

export function listFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => pattern.test(entry))
    .map((entry) => join(dir, entry))
    .sort();
}

/** Every document of a YAML file (multi-document allowed); a syntax error fails loudly. */
export function readYamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${rel(file)}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    // A trailing `---` yields an empty document, which kubectl skips as well.
    return value === null || value === undefined ? [] : [value];
  });
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined and comments dropped. */
export function readDockerfile(file: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    if (full === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match?.[1]) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] ?? '' });
  }
  return instructions;
}
