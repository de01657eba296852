import { describe, expect, it } from 'vitest';
import { signInHint } from './sign-in-hint';

describe('signInHint', () => {
  it('tells a fresh local stack to sign in as admin, and where the password is', () => {
    expect(signInHint('headless')).toMatch(
      /^Sign in as admin — the password was printed .*admin-password\.txt/,
    );
    expect(signInHint('local')).toMatch(/^Sign in as admin/);
  });

  it('says nothing about a remote server, whose accounts it does not know', () => {
    expect(signInHint('remote')).toBeNull();
  });
});
