import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeConfigYamlFor } from '../tests/fake-kube';
import { kubeContextList } from './kube-contexts';

describe('kubeContextList', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-contexts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the contexts of the kubeconfig the stack would read', () => {
    const path = join(dir, 'kind');
    writeFileSync(path, kubeConfigYamlFor({ url: 'http://127.0.0.1:1', token: 't' }));
    const expected = { ok: true, contexts: ['kind-streamspace'], current: 'kind-streamspace' };
    expect(kubeContextList(path, {})).toEqual(expected);
    expect(kubeContextList(undefined, { KUBECONFIG: path })).toEqual(expected);
  });

  it('answers why there is nothing to list', () => {
    expect(kubeContextList(undefined, { HOME: dir })).toEqual({
      ok: false,
      message: expect.stringMatching(/no kubeconfig: .*\.kube\/config does not exist/),
    });
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'contexts: [');
    expect(kubeContextList(broken, {})).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^cannot read/),
    });
  });
});
