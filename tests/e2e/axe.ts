import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
  /** Axe's explanation for the first few nodes, e.g. the contrast it measured. */
  why: string[];
}

/** Axe's serious and critical findings on the page as it is now; minor and moderate ones are left out. */
export async function seriousViolations(page: Page): Promise<AxeProblem[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      why: v.nodes.slice(0, 3).map((n) => `${n.html.slice(0, 120)}: ${n.failureSummary ?? ''}`),
    }));
}

/**
 * Tab through the whole page once, from wherever the focus is, and name what takes the focus: its
 * test id, or its tag and text when it has none. Focus leaves the page after the last control and
 * comes back at the first, so the walk ends when it meets the first again.
 */
export async function tabOrder(page: Page, maxSteps = 200): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < maxSteps; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      return (
        el.getAttribute('data-testid') ??
        `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 30)}`
      );
    });
    if (name === '') continue;
    if (seen[0] === name) break;
    seen.push(name);
  }
  return seen;
}
