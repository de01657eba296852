import type { Resources } from '../../../protocol';

/** An exact quantity as a fraction, so `0.5` and `500m` compare equal with no float rounding. */
interface Exact {
  num: bigint;
  den: bigint;
}

// The API server's grammar: a decimal number, then a binary suffix, a decimal suffix or an
// exponent. Signs are left out: a negative request or limit is never meant.
const QUANTITY =
  /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]{1,2}))?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { m: -1, k: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

function parseExact(quantity: string, what: string): Exact {
  const match = QUANTITY.exec(quantity);
  if (match === null) {
    throw new Error(`Invalid ${what} quantity ${JSON.stringify(quantity)}: expected e.g. ${example(what)}`);
  }
  const [, digits = '', suffix, exponent] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  let power10 = exponent === undefined ? 0 : Number(exponent);
  if (suffix !== undefined && suffix in BINARY) num *= 1024n ** BigInt(BINARY[suffix] ?? 0);
  if (suffix !== undefined && suffix in DECIMAL) power10 += 3 * (DECIMAL[suffix] ?? 0);
  if (power10 >= 0) num *= 10n ** BigInt(power10);
  else den *= 10n ** BigInt(-power10);
  return { num, den };
}

function example(what: string): string {
  return what === 'cpu' ? '500m, 2 or 0.5' : '512Mi, 2Gi or 1073741824';
}

function compareExact(a: Exact, b: Exact): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Ceiling of a fraction, as the API server rounds a quantity up to its smallest unit. */
function ceil(value: Exact, scale: bigint): number {
  const scaled = value.num * scale;
  return Number((scaled + value.den - 1n) / value.den);
}

/** Bytes in a memory quantity (`512Mi`, `2Gi`, `1G`, `1073741824`), rounded up. */
export function parseMemory(quantity: string): number {
  return ceil(parseExact(quantity, 'memory'), 1n);
}

/** Millicores in a cpu quantity (`500m`, `2`, `0.5`), rounded up. */
export function parseCpu(quantity: string): number {
  return ceil(parseExact(quantity, 'cpu'), 1000n);
}

/** -1, 0 or 1 as `a` is less than, equal to or more than `b`; throws on an unparsable one. */
export function compareQuantities(a: string, b: string, what = 'resource'): number {
  return compareExact(parseExact(a, what), parseExact(b, what));
}

function clampOne(requested: string, max: string, what: string): string {
  return compareQuantities(requested, max, what) > 0 ? max : requested;
}

/**
 * The request cut down to the admin's maximum field by field; a field at or under it keeps its
 * original text, so manifests show what the template asked for.
 */
export function clampResources(requested: Resources, max: Resources): Resources {
  return {
    memory: clampOne(requested.memory, max.memory, 'memory'),
    cpu: clampOne(requested.cpu, max.cpu, 'cpu'),
  };
}
