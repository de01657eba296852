import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  KEPT_FINISHED,
  percentOf,
  progressLabel,
  type UploadItem,
  uploadPathFor,
  uploadsReducer,
} from './upload-progress';

const start = (id: string, total = 1000) =>
  ({ type: 'start', id, session: 's', path: `dir/${id}.bin`, total }) as const;

describe('uploadsReducer', () => {
  it('tracks one upload from start to done', () => {
    let items: UploadItem[] = uploadsReducer([], start('a'));
    expect(items[0]).toMatchObject({ loaded: 0, status: 'uploading' });
    items = uploadsReducer(items, { type: 'progress', id: 'a', loaded: 500 });
    expect(percentOf(items[0] as UploadItem)).toBe(50);
    // Progress never goes back, nor past the size.
    items = uploadsReducer(items, { type: 'progress', id: 'a', loaded: 100 });
    expect(items[0]?.loaded).toBe(500);
    items = uploadsReducer(items, { type: 'progress', id: 'a', loaded: 5000 });
    expect(percentOf(items[0] as UploadItem)).toBe(99);
    items = uploadsReducer(items, { type: 'done', id: 'a' });
    expect(percentOf(items[0] as UploadItem)).toBe(100);
    expect(progressLabel(items[0] as UploadItem)).toBe('a.bin: uploaded (1000 B)');
  });

  it('keeps a failure with its reason, and ignores progress after it', () => {
    let items = uploadsReducer([], start('a'));
    items = uploadsReducer(items, { type: 'failed', id: 'a', error: 'too large' });
    items = uploadsReducer(items, { type: 'progress', id: 'a', loaded: 900 });
    expect(items[0]).toMatchObject({ status: 'failed', loaded: 0 });
    expect(progressLabel(items[0] as UploadItem)).toBe('a.bin: failed — too large');
    expect(uploadsReducer(items, { type: 'dismiss', id: 'a' })).toEqual([]);
  });

  it('keeps every running upload but only the latest finished ones', () => {
    let items: UploadItem[] = [];
    for (let i = 0; i < KEPT_FINISHED + 3; i++) {
      items = uploadsReducer(items, start(`f${i}`));
      items = uploadsReducer(items, { type: 'done', id: `f${i}` });
    }
    items = uploadsReducer(items, start('running'));
    expect(items.filter((i) => i.status === 'done')).toHaveLength(KEPT_FINISHED);
    expect(items[0]?.id).toBe('running');
    expect(items[1]?.id).toBe(`f${KEPT_FINISHED + 2}`);
  });

  it('counts an empty file as 0% until it is done', () => {
    const items = uploadsReducer([], start('e', 0));
    expect(percentOf(items[0] as UploadItem)).toBe(0);
    expect(percentOf(uploadsReducer(items, { type: 'done', id: 'e' })[0] as UploadItem)).toBe(100);
  });
});

describe('formatBytes and uploadPathFor', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });

  it('puts a file under its own name and refuses names the server would', () => {
    expect(uploadPathFor('report.pdf')).toBe('report.pdf');
    expect(uploadPathFor('report.pdf', 'Downloads')).toBe('Downloads/report.pdf');
    expect(uploadPathFor('C:\\Users\\x\\a.txt')).toBe('a.txt');
    expect(uploadPathFor('../../etc/passwd')).toBe('passwd');
    for (const bad of ['', '.', '..', 'dir/']) expect(uploadPathFor(bad)).toBeNull();
  });
});
