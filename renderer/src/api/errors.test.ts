import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom } from '../../../protocol';
import { describeError } from './errors';

describe('apiErrorFrom', () => {
  it('keeps the code and message of an ApiErrorBody', () => {
    const error = apiErrorFrom(403, {
      error: { code: 'quota_exceeded', message: 'You already run 3 sessions' },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toBe('You already run 3 sessions');
  });

  it('accepts details alongside', () => {
    const error = apiErrorFrom(400, {
      error: { code: 'invalid_request', message: 'bad template', details: [{ path: ['template'] }] },
    });
    expect(error.code).toBe('invalid_request');
  });

  it('derives a code from the status when the body is not an ApiErrorBody', () => {
    expect(apiErrorFrom(503, '<html>Bad gateway</html>').code).toBe('no_agent');
    expect(apiErrorFrom(401, null).code).toBe('unauthorized');
    expect(apiErrorFrom(409, { message: 'nope' }).code).toBe('conflict');
    expect(apiErrorFrom(502, undefined).code).toBe('internal');
  });

  it('does not accept an unknown error code as a known one', () => {
    const error = apiErrorFrom(418, { error: { code: 'teapot', message: 'short and stout' } });
    expect(error.code).toBe('internal');
  });
});

describe('describeError', () => {
  it('prefers the server message', () => {
    expect(describeError(new ApiError(503, 'no_agent', 'No online agent runs kubernetes'))).toBe(
      'No online agent runs kubernetes',
    );
  });

  it('explains failures the server never described', () => {
    expect(describeError(new ApiError(0, 'network', 'Failed to fetch'))).toMatch(/Cannot reach the server/);
    expect(describeError(apiErrorFrom(503, null))).toMatch(/No agent/);
  });

  it('handles plain errors and non-errors', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('weird')).toBe('Something went wrong.');
  });
});
