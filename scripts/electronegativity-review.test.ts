import { describe, expect, it } from 'vitest';
import {
  type Finding,
  formatReview,
  globToRegExp,
  isExcluded,
  ReviewConfig,
  review,
} from './electronegativity-review';

const finding = (overrides: Partial<Finding>): Finding => ({
  id: 'CONTEXT_ISOLATION_JS_CHECK',
  severity: 'HIGH',
  confidence: 'FIRM',
  file: 'main/index.ts',
  line: 10,
  sample: '  const window = new BrowserWindow({',
  description: 'Review the use of the contextIsolation option',
  ...overrides,
});

const config = (suppressions: unknown[], failOn = 'HIGH') =>
  ReviewConfig.parse({ inputs: ['main'], failOn, suppressions });

const because = 'secureWebPreferences sets it; the check cannot follow the call';

describe('review', () => {
  it('fails an unexplained finding at failOn and warns below it', () => {
    const result = review([finding({}), finding({ id: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' })], config([]));
    expect(result.failing.map((f) => f.id)).toEqual(['CONTEXT_ISOLATION_JS_CHECK']);
    expect(result.warnings.map((f) => f.id)).toEqual(['SANDBOX_JS_CHECK']);
    const stricter = review([finding({ severity: 'MEDIUM' })], config([], 'MEDIUM'));
    expect(stricter.failing).toHaveLength(1);
  });

  it('explains a finding that matches check, file and line text, and keeps the reason', () => {
    const suppression = {
      check: 'CONTEXT_ISOLATION_JS_CHECK',
      file: 'main/index.ts',
      match: 'new BrowserWindow(',
      reason: because,
    };
    const result = review([finding({})], config([suppression]));
    expect(result.failing).toEqual([]);
    expect(result.explained).toEqual([{ finding: finding({}), reason: because }]);
    expect(result.unused).toEqual([]);
  });

  it('does not stretch a suppression to another file, check or line', () => {
    const suppression = {
      check: 'CONTEXT_ISOLATION_JS_CHECK',
      file: 'main/index.ts',
      match: 'x(',
      reason: because,
    };
    const findings = [
      finding({ file: 'main/windows.ts' }),
      finding({ id: 'NODE_INTEGRATION_JS_CHECK' }),
      finding({ sample: 'new BrowserWindow({ nodeIntegration: true })' }),
    ];
    const result = review(findings, config([suppression]));
    expect(result.failing).toHaveLength(3);
    expect(result.unused).toEqual([
      ReviewConfig.parse({ inputs: ['x'], suppressions: [suppression] }).suppressions[0],
    ]);
  });

  it('insists on a reason', () => {
    expect(() => config([{ check: 'X_CHECK', file: 'a.ts', reason: 'false' }])).toThrow('say why');
    expect(() => config([{ check: 'X_CHECK', file: 'a.ts' }])).toThrow();
    expect(() => config([{ check: 'X_CHECK', file: 'a.ts', reason: because, extra: 1 }])).toThrow();
  });

  it('prints one line a finding and a summary', () => {
    const suppression = { check: 'SANDBOX_JS_CHECK', file: 'main/index.ts', reason: because };
    const result = review(
      [
        finding({}),
        finding({ id: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' }),
        finding({ severity: 'LOW', id: 'L' }),
      ],
      config([suppression, { check: 'GONE_CHECK', file: 'a.ts', reason: because }]),
    );
    const text = formatReview(result, 'HIGH');
    expect(text).toContain('FAIL  HIGH CONTEXT_ISOLATION_JS_CHECK main/index.ts:10');
    expect(text).toContain(`ok    MEDIUM SANDBOX_JS_CHECK main/index.ts:10: ${because}`);
    expect(text).toContain('warn  LOW L main/index.ts:10');
    expect(text).toContain('stale suppression GONE_CHECK a.ts');
    expect(text.split('\n').at(-1)).toBe('1 unexplained at HIGH or above, 1 below, 1 explained');
  });
});

describe('isExcluded', () => {
  const globs = ['**/*.test.{ts,tsx}', '**/testing/**'];

  it.each([
    ['main/security.test.ts', true],
    ['renderer/src/app/App.test.tsx', true],
    ['main/testing/fake-electron.ts', true],
    ['main/security.ts', false],
    ['main/test.ts', false],
    ['renderer/index.html', false],
  ])('%s → %s', (file, excluded) => {
    expect(isExcluded(file, globs)).toBe(excluded);
  });

  it('treats dots and commas outside braces literally', () => {
    expect(globToRegExp('a.b,c').test('a.b,c')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('*.ts').test('dir/x.ts')).toBe(false);
  });
});
