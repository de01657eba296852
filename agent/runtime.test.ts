import { describe, expect, it } from 'vitest';
import { isActiveObservedState, isRuntimeError, RuntimeError } from './runtime';

describe('RuntimeError', () => {
  it('keeps its code, message and cause', () => {
    const cause = new Error('inner');
    const error = new RuntimeError('not_found', 'no session x', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('no session x');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('RuntimeError');
  });

  it('is recognised by isRuntimeError, optionally by code', () => {
    const error = new RuntimeError('unsupported', 'no');
    expect(isRuntimeError(error)).toBe(true);
    expect(isRuntimeError(error, 'unsupported')).toBe(true);
    expect(isRuntimeError(error, 'not_found')).toBe(false);
    expect(isRuntimeError(new Error('x'))).toBe(false);
  });
});

describe('isActiveObservedState', () => {
  it('counts sessions that hold resources', () => {
    expect(isActiveObservedState('starting')).toBe(true);
    expect(isActiveObservedState('running')).toBe(true);
    expect(isActiveObservedState('hibernated')).toBe(true);
    expect(isActiveObservedState('terminated')).toBe(false);
    expect(isActiveObservedState('failed')).toBe(false);
  });
});
