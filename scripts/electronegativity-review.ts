// What electronegativity's findings mean for the build: explained findings pass, anything else at or
// above the configured severity fails. Kept apart from the runner so the rules are tested on their own.
import { z } from 'zod';

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The part of an electronegativity issue this looks at; `file` is relative to the scanned folder. */
export interface Finding {
  id: string;
  severity: Severity;
  confidence: string;
  file: string;
  line: number;
  sample: string;
  description: string;
}

const Suppression = z.strictObject({
  /** The check's id as reported, e.g. CONTEXT_ISOLATION_JS_CHECK. */
  check: z.string().regex(/^[A-Z0-9_]+$/),
  /** The reported file, relative to the repository; "N/A" for findings about the app as a whole. */
  file: z.string().min(1),
  /** A piece of the reported source line, so a suppression follows its code when lines move. */
  match: z.string().min(1).optional(),
  /** Why the finding is false or handled: required, and printed with every run. */
  reason: z.string().trim().min(20, 'say why the finding does not apply'),
});
export type Suppression = z.infer<typeof Suppression>;

export const ReviewConfig = z.strictObject({
  $comment: z.string().optional(),
  /** Folders scanned together, so global checks see the whole app. */
  inputs: z.array(z.string().min(1)).min(1),
  /** Globs of files left out of the scan: tests and fakes never ship. */
  exclude: z.array(z.string()).default([]),
  /** Unexplained findings at or above this severity fail the run. */
  failOn: z.enum(SEVERITIES).default('HIGH'),
  suppressions: z.array(Suppression).default([]),
});
export type ReviewConfig = z.infer<typeof ReviewConfig>;

export interface Review {
  failing: Finding[];
  /** Unexplained but below failOn: printed, not fatal. */
  warnings: Finding[];
  explained: Array<{ finding: Finding; reason: string }>;
  /** Suppressions nothing matched any more: the code they excused is gone or changed. */
  unused: Suppression[];
}

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/**
 * The glob subset the exclude list needs: `**` for any folders, `*` within a name, `{a,b}` choices.
 * Node 20's path.matchesGlob would do, but prints an experimental warning on every run.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '{') {
      depth += 1;
      source += '(?:';
    } else if (c === '}' && depth > 0) {
      depth -= 1;
      source += ')';
    } else if (c === ',' && depth > 0) source += '|';
    else source += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function isExcluded(file: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globToRegExp(glob).test(file));
}

export function matches(suppression: Suppression, finding: Finding): boolean {
  return (
    suppression.check === finding.id &&
    suppression.file === finding.file &&
    (suppression.match === undefined || finding.sample.includes(suppression.match))
  );
}

export function review(findings: readonly Finding[], config: ReviewConfig): Review {
  const used = new Set<Suppression>();
  const result: Review = { failing: [], warnings: [], explained: [], unused: [] };
  for (const finding of findings) {
    const suppression = config.suppressions.find((s) => matches(s, finding));
    if (suppression) {
      used.add(suppression);
      result.explained.push({ finding, reason: suppression.reason });
    } else if (rank(finding.severity) >= rank(config.failOn)) {
      result.failing.push(finding);
    } else {
      result.warnings.push(finding);
    }
  }
  result.unused = config.suppressions.filter((s) => !used.has(s));
  return result;
}

const where = (f: Finding) => `${f.file}${f.line > 0 ? `:${f.line}` : ''}`;

/** The report printed by the runner, one line a finding. */
export function formatReview(result: Review, failOn: Severity): string {
  const lines: string[] = [];
  for (const f of result.failing) {
    lines.push(`FAIL  ${f.severity} ${f.id} ${where(f)}: ${f.description}`);
    if (f.sample) lines.push(`      ${f.sample.trim().slice(0, 160)}`);
  }
  for (const f of result.warnings) lines.push(`warn  ${f.severity} ${f.id} ${where(f)}: ${f.description}`);
  for (const { finding: f, reason } of result.explained) {
    lines.push(`ok    ${f.severity} ${f.id} ${where(f)}: ${reason}`);
  }
  for (const s of result.unused) lines.push(`stale suppression ${s.check} ${s.file}: nothing matches it now`);
  lines.push(
    `${result.failing.length} unexplained at ${failOn} or above, ${result.warnings.length} below, ` +
      `${result.explained.length} explained`,
  );
  return lines.join('\n');
}
