// Runs @doyensec/electronegativity over the app's sources, offline, and fails on findings that
// electronegativity.config.json does not explain. Its own exit code is 0 whatever it finds, and a file
// it cannot parse is silently skipped, so both are judged here.
//   node --import tsx scripts/electronegativity.ts
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Finding,
  formatReview,
  isExcluded,
  ReviewConfig,
  review,
  SEVERITIES,
  type Severity,
} from './electronegativity-review';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

interface Issue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location?: { line?: number };
  sample?: string;
  description: string;
}
interface RunResult {
  issues: Issue[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<RunResult>;

/**
 * electronegativity fetches translations from the network at every start, and waits for the timeout
 * when there is none; its bundled English is what we use anyway. Serving `got` from the module cache
 * keeps the run off the network entirely (it still prints that it could not retrieve them).
 */
function loadOffline(): Run {
  const packageMain = require.resolve('@doyensec/electronegativity');
  const gotPath = createRequire(packageMain).resolve('got');
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = () => Promise.reject(new Error('offline: translations are not fetched'));
  require.cache[gotPath] = stub;
  const loaded = require(packageMain) as Run | { default: Run };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** One folder with every input minus the excluded files, so the global checks see the whole app at once. */
function stage(config: ReviewConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  for (const input of config.inputs) {
    for (const path of filesUnder(join(root, input))) {
      const file = relative(root, path).split('\\').join('/');
      if (!isExcluded(file, config.exclude)) cpSync(path, join(dir, file));
    }
  }
  return dir;
}

const toSeverity = (name: string): Severity => {
  const upper = name.toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'HIGH';
};

export function electronVersion(): string {
  const pkg = join(dirname(require.resolve('electron')), 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export interface Scan {
  findings: Finding[];
  /** Files electronegativity could not parse, and so did not check. */
  unparsed: string[];
}

/** Runs every check but AvailableSecurityFixesGlobalCheck, the one that needs the network, over `dir`. */
export async function scanFolder(dir: string, version = electronVersion()): Promise<Scan> {
  const result = await loadOffline()(
    {
      input: dir,
      isRelative: true,
      electronVersionOverride: version,
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      customScan: [],
    },
    false,
  );
  return {
    findings: result.issues.map((issue) => ({
      id: issue.id,
      severity: toSeverity(issue.severity.name),
      confidence: issue.confidence.name,
      file: issue.file.split('\\').join('/'),
      line: issue.location?.line ?? 0,
      sample: issue.sample ?? '',
      description: issue.description,
    })),
    unparsed: result.errors.filter((e) => !e.tolerable).map((e) => `${relative(dir, e.file)}: ${e.message}`),
  };
}

async function main(): Promise<number> {
  const config = ReviewConfig.parse(
    JSON.parse(readFileSync(join(root, 'electronegativity.config.json'), 'utf8')),
  );
  const version = electronVersion();
  const dir = stage(config);
  try {
    const scan = await scanFolder(dir, version);
    const outcome = review(scan.findings, config);
    console.log(`electronegativity, Electron ${version}, ${config.inputs.join(', ')}:`);
    console.log(formatReview(outcome, config.failOn));
    for (const error of scan.unparsed) console.error(`could not parse ${error}`);
    return outcome.failing.length > 0 || scan.unparsed.length > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
