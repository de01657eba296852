import { badRequest } from './status.js';

// A label selector parser covering the syntax clients send (equality, set-based, existence). Errors
// reuse the apiserver's wording, e.g. transcript 05 for `a in (`, because callers may surface them.

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

type Token = { kind: 'id' | 'op' | 'end'; text: string };

const OPERATOR_CHARS = new Set(['=', '!', '(', ')', ',']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (input.startsWith('==', i) || input.startsWith('!=', i)) {
      tokens.push({ kind: 'op', text: input.slice(i, i + 2) });
      i += 2;
    } else if (OPERATOR_CHARS.has(ch)) {
      tokens.push({ kind: 'op', text: ch });
      i++;
    } else {
      let j = i;
      while (j < input.length && !OPERATOR_CHARS.has(input[j] as string) && input[j] !== ' ') j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

function fail(message: string): never {
  throw badRequest(`unable to parse requirement: ${message}`);
}

/** Parses a selector; an empty or absent string selects everything. Throws a 400 KubeError. */
export function parseLabelSelector(input: string | null | undefined): Requirement[] {
  if (input === null || input === undefined || input.trim() === '') return [];
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] as Token;
  const requirements: Requirement[] = [];
  for (;;) {
    let token = next();
    if (token.kind === 'op' && token.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail(`found '${key.text}', expected: identifier after '!'`);
      requirements.push({ key: key.text, op: 'doesnotexist' });
    } else {
      if (token.kind !== 'id') fail(`found '${token.text}', expected: !, identifier, or 'end of string'`);
      const key = token.text;
      const op = peek();
      if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
        requirements.push({ key, op: 'exists' });
      } else if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
        next();
        const value = peek();
        // `a=` is legal and means the empty value.
        const text = value.kind === 'id' ? next().text : '';
        requirements.push({ key, op: op.text === '!=' ? 'notin' : 'in', values: [text] });
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        const open = next();
        if (open.text !== '(') fail(`found '${open.text}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          token = next();
          if (token.kind === 'id') values.push(token.text);
          else if (token.text === ')') break;
          else if (token.text !== ',') fail(`found '${token.text}', expected: ',', ')' or identifier`);
        }
        requirements.push({ key, op: op.text, values });
      } else {
        fail(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const separator = next();
    if (separator.kind === 'end') return requirements;
    if (separator.text !== ',') fail(`found '${separator.text}', expected: ',' or 'end of string'`);
  }
}

export function matchesLabels(
  requirements: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const actual = labels ?? {};
  return requirements.every((req) => {
    const has = Object.hasOwn(actual, req.key);
    if (req.op === 'exists') return has;
    if (req.op === 'doesnotexist') return !has;
    if (!('values' in req)) return false;
    const listed = has && req.values.includes(actual[req.key] as string);
    return req.op === 'in' ? listed : !listed;
  });
}

export type FieldRequirement = { path: string[]; value: string; negate: boolean };

/** Field selectors: only `a.b=v`, `a.b==v` and `a.b!=v`, which is all the common pod/event queries use. */
export function parseFieldSelector(input: string | null | undefined): FieldRequirement[] {
  if (input === null || input === undefined || input.trim() === '') return [];
  return input.split(',').map((part) => {
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (match === null) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    return { path: (match[1] as string).split('.'), value: match[3] as string, negate: match[2] === '!=' };
  });
}

export function matchesFields(requirements: FieldRequirement[], obj: unknown): boolean {
  return requirements.every((req) => {
    let current: unknown = obj;
    for (const segment of req.path) {
      current = typeof current === 'object' && current !== null ? Reflect.get(current, segment) : undefined;
    }
    const actual = current === undefined || current === null ? '' : String(current);
    return (actual === req.value) !== req.negate;
  });
}
