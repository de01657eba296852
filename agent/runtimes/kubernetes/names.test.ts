import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dns1035Label,
  dnsLabel,
  homeClaimName,
  isDns1035Label,
  isDnsLabel,
  isLabelValue,
  labelValue,
  MANAGED_SELECTOR,
  sessionObjectNames,
  sessionSelector,
} from './names';

const hash8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

const long = 'a'.repeat(200);
const hostile = [
  '',
  '-',
  '---',
  '.',
  '../',
  '../../etc/passwd',
  'Alice',
  'ALICE',
  'ünïcødé',
  '日本語',
  '😀',
  'a b c',
  'a_b.c',
  '-leading',
  'trailing-',
  '--both--',
  '1abc',
  '123',
  '0',
  long,
  `${'b'.repeat(63)}x`,
  `${'b'.repeat(63)}y`,
  'a'.repeat(63),
  'a'.repeat(64),
  'a\u0000b',
  'a\nb',
];

describe('dnsLabel', () => {
  it.each(hostile)('gives a valid label for %j', (input) => {
    const out = dnsLabel(input);
    expect(isDnsLabel(out)).toBe(true);
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThanOrEqual(63);
  });

  it.each(['a', 'alice', 's1', '1abc', 'a-b', 'a'.repeat(63), 'x9-y8'])(
    'leaves the valid %j unchanged',
    (n) => {
      expect(dnsLabel(n)).toBe(n);
    },
  );

  it('is idempotent on its own output', () => {
    for (const input of hostile) expect(dnsLabel(dnsLabel(input))).toBe(dnsLabel(input));
  });

  it('lowercases, replaces and trims, then appends a hash of the original input', () => {
    expect(dnsLabel('Alice')).toBe(`alice-${hash8('Alice')}`);
    expect(dnsLabel('../')).toBe(hash8('../'));
    expect(dnsLabel('--a__b--')).toBe(`a-b-${hash8('--a__b--')}`);
    expect(dnsLabel('')).toBe(hash8(''));
  });

  it('keeps distinct inputs distinct', () => {
    const outs = hostile.map((i) => dnsLabel(i));
    expect(new Set(outs).size).toBe(hostile.length);
    expect(dnsLabel('Alice')).not.toBe(dnsLabel('alice'));
    expect(dnsLabel('ALICE')).not.toBe(dnsLabel('Alice'));
    expect(dnsLabel('a.b')).not.toBe(dnsLabel('a_b'));
  });

  it('keeps names differing only after char 63 apart', () => {
    const a = dnsLabel(`${'b'.repeat(63)}x`);
    const b = dnsLabel(`${'b'.repeat(63)}y`);
    expect(a).not.toBe(b);
    expect(a.length).toBe(63);
  });

  it('applies a prefix and hashes only when the result changed', () => {
    expect(dnsLabel('alice', 'home-')).toBe('home-alice');
    expect(dnsLabel('Alice', 'home-')).toBe(`home-alice-${hash8('Alice')}`);
    expect(dnsLabel(long, 'home-').startsWith('home-a')).toBe(true);
  });
});

describe('dns1035Label', () => {
  it.each(hostile)('gives a label starting with a letter for %j', (input) => {
    expect(isDns1035Label(dns1035Label(input))).toBe(true);
  });

  it('leaves names starting with a letter alone and hashes the ones it prefixes', () => {
    expect(dns1035Label('s1')).toBe('s1');
    expect(dns1035Label('1abc')).toBe(`s-1abc-${hash8('1abc')}`);
    expect(dns1035Label('1abc')).not.toBe(dns1035Label('s-1abc'));
  });

  it('is idempotent', () => {
    for (const input of hostile) expect(dns1035Label(dns1035Label(input))).toBe(dns1035Label(input));
  });
});

describe('labelValue', () => {
  it.each(hostile)('gives a valid label value for %j', (input) => {
    expect(isLabelValue(labelValue(input))).toBe(true);
  });

  it.each(['', 'alice', 'Alice', 'a_b.c', 'v1.2.3', 'a'.repeat(63)])('leaves the valid %j unchanged', (v) => {
    expect(labelValue(v)).toBe(v);
  });

  it('hashes what it changes and keeps long values apart', () => {
    expect(labelValue('a b')).toBe(`a-b-${hash8('a b')}`);
    expect(labelValue('_x_')).toBe(`x-${hash8('_x_')}`);
    expect(labelValue(`${'b'.repeat(63)}x`)).not.toBe(labelValue(`${'b'.repeat(63)}y`));
    for (const input of hostile) expect(labelValue(labelValue(input))).toBe(labelValue(input));
  });
});

describe('selectors', () => {
  it('selects managed objects and one session', () => {
    expect(MANAGED_SELECTOR).toBe('app.kubernetes.io/managed-by=streamspace');
    expect(sessionSelector('s1')).toBe('app.kubernetes.io/managed-by=streamspace,streamspace.io/session=s1');
  });
});

describe('sessionObjectNames', () => {
  it('names a plain session after itself', () => {
    expect(sessionObjectNames('s1')).toEqual({
      deployment: 's1',
      service: 's1',
      secret: 's1-vnc',
      networkPolicy: 's1',
    });
  });

  it('gives a session starting with a digit a Service name starting with a letter', () => {
    const names = sessionObjectNames('42-desktop');
    expect(names.deployment).toBe('42-desktop');
    expect(isDns1035Label(names.service)).toBe(true);
  });

  it.each(hostile)('gives valid names for %j', (session) => {
    const names = sessionObjectNames(session);
    for (const name of Object.values(names)) expect(isDnsLabel(name)).toBe(true);
    expect(isDns1035Label(names.service)).toBe(true);
  });

  it('gives a 63-character session a shortened secret name that still differs from its neighbour', () => {
    const a = sessionObjectNames(`${'c'.repeat(62)}1`).secret;
    const b = sessionObjectNames(`${'c'.repeat(62)}2`).secret;
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });

  it('is deterministic and never maps two sessions to one name', () => {
    expect(sessionObjectNames('abc')).toEqual(sessionObjectNames('abc'));
    const sessions = [...hostile, 's1', 's-1abc'];
    for (const key of ['deployment', 'service', 'secret', 'networkPolicy'] as const) {
      const names = sessions.map((s) => sessionObjectNames(s)[key]);
      expect(new Set(names).size).toBe(sessions.length);
    }
  });
});

describe('homeClaimName', () => {
  it('is home-<user>', () => {
    expect(homeClaimName('alice')).toBe('home-alice');
  });

  it.each(hostile)('is a valid label for %j', (user) => {
    expect(isDnsLabel(homeClaimName(user))).toBe(true);
  });

  it('keeps long users apart', () => {
    expect(homeClaimName(`${'u'.repeat(63)}1`)).not.toBe(homeClaimName(`${'u'.repeat(63)}2`));
  });
});
