import { z } from 'zod';
import { TemplateName } from './names';

/** Kubernetes-style quantities, kept as strings so they round-trip into manifests unchanged. */
export const MemoryQuantity = z.string().regex(/^[0-9]+(Ki|Mi|Gi|Ti)?$/, 'memory like 512Mi or 2Gi');
export const CpuQuantity = z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, 'cpu like 500m or 2');

export const Resources = z.strictObject({ memory: MemoryQuantity, cpu: CpuQuantity });
export type Resources = z.infer<typeof Resources>;

const EnvMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4096));

export const KubernetesSection = z.strictObject({
  image: z.string().min(1).max(255),
  vncPort: z.number().int().min(1).max(65535),
  env: EnvMap.default({}),
});

/** A path inside the session's home: relative, no `..`, `.` or empty segments. */
export const HomeRelativePath = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[A-Za-z0-9_.][A-Za-z0-9_.+-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.+-]*)*$/,
    'a relative path like dir/file.js',
  )
  .refine((path) => !path.split('/').some((part) => part === '..' || part === '.'), 'no . or .. segments');

/** A Debian package name (Policy 5.6.1): lowercase, digits, + - and ., two characters or more. */
export const AptPackageName = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name like gimp or libreoffice-writer');

export const LocalSection = z.strictObject({
  /** argv of the app started on the session's display; `{home}` expands to the session's scratch dir. */
  command: z.array(z.string().min(1).max(4096)).min(1).max(64),
  /**
   * Arguments that go right after `command[0]` only when the agent runs as root. Chromium refuses
   * root with its sandbox on, and a user whose agent is not root should keep the sandbox.
   */
  rootArgs: z.array(z.string().min(1).max(4096)).max(16).optional(),
  env: EnvMap.default({}),
  /**
   * Whether the agent runs a minimal window manager on the display that keeps the app maximised
   * as the display resizes. Unset means yes; a full desktop that brings its own sets false.
   */
  windowManager: z.boolean().optional(),
  /**
   * The Debian/Ubuntu package that provides `command[0]`, so the catalog can say how to install
   * an app the host lacks ("sudo apt install gimp") instead of the launch failing.
   */
  aptPackage: AptPackageName.optional(),
  /**
   * Files written into the session's home before the app starts, by path relative to it (a
   * browser's profile prefs, say). Rewritten on every launch, also into a persistent home.
   */
  files: z
    .record(HomeRelativePath, z.string().max(65_536))
    .refine((files) => Object.keys(files).length <= 16, 'at most 16 files')
    .optional(),
});

/** The YAML file format in resources/templates/ and the user's template folder. */
export const TemplateFile = z.strictObject({
  name: TemplateName,
  displayName: z.string().min(1).max(80),
  description: z.string().max(1000).default(''),
  category: z.string().min(1).max(40),
  icon: z.string().max(200).optional(),
  tags: z.array(z.string().min(1).max(40)).max(20).default([]),
  defaultResources: Resources,
  kubernetes: KubernetesSection.optional(),
  local: LocalSection.optional(),
});
export type TemplateFile = z.infer<typeof TemplateFile>;

export const RuntimeName = z.enum(['local', 'kubernetes']);
export type RuntimeName = z.infer<typeof RuntimeName>;

export const NotInstalled = z.object({
  program: z.string().min(1).max(4096),
  aptPackage: AptPackageName.optional(),
  /** For people: "Install with: sudo apt install gimp", or what to put on PATH. */
  hint: z.string().max(500),
});
export type NotInstalled = z.infer<typeof NotInstalled>;

/** What the catalog shows: the template without runtime internals. */
export const TemplateDto = z.object({
  name: TemplateName,
  displayName: z.string(),
  description: z.string(),
  category: z.string(),
  icon: z.string().optional(),
  tags: z.array(z.string()),
  defaultResources: Resources,
  runtimes: z.array(RuntimeName),
  /**
   * Set when the stack's local runtime cannot run this template because its program is not on
   * the host: what is missing and, when the template names it, the package that brings it.
   */
  notInstalled: NotInstalled.optional(),
});
export type TemplateDto = z.infer<typeof TemplateDto>;

export const TemplateQuery = z.strictObject({
  q: z.string().max(100).optional(),
  category: z.string().max(40).optional(),
});

export const TemplateList = z.object({ templates: z.array(TemplateDto) });
export type TemplateList = z.infer<typeof TemplateList>;
