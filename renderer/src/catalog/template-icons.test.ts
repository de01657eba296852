import { describe, expect, it } from 'vitest';
import { shippedIcons, templateIconUrl } from './template-icons';

describe('templateIconUrl', () => {
  it('bundles every icon in resources/icons/templates', () => {
    expect(shippedIcons()).toEqual(
      expect.arrayContaining(['terminal', 'clock', 'chromium', 'firefox', 'xfce', 'gimp', 'file-manager']),
    );
    for (const icon of shippedIcons())
      expect(templateIconUrl(icon), icon).toMatch(/\.svg$|^data:image\/svg\+xml/);
  });

  it('has none for an icon nobody drew, so the card falls back to a letter', () => {
    expect(templateIconUrl('no-such-icon')).toBeUndefined();
    expect(templateIconUrl(undefined)).toBeUndefined();
  });
});
