import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonFile } from './json-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jsonFile', () => {
  it('reads back what it wrote, creating the folder', async () => {
    const file = jsonFile(join(dir, 'nested', 'a.json'));
    await file.write({ a: [1, 2] });
    expect(await file.read()).toEqual({ a: [1, 2] });
    expect(await readdir(join(dir, 'nested'))).toEqual(['a.json']);
  });

  it('reads a missing or corrupt file as undefined', async () => {
    expect(await jsonFile(join(dir, 'missing.json')).read()).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{"a":');
    expect(await jsonFile(join(dir, 'bad.json')).read()).toBeUndefined();
  });

  it('keeps the last of overlapping writes', async () => {
    const path = join(dir, 'b.json');
    const file = jsonFile(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => file.write({ i })));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ i: 19 });
  });
});
