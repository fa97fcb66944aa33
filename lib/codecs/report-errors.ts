import * as t from 'io-ts';

/** Long values and type names are cut so one issue stays one readable log line. */
const maxValueLength = 60;
const maxTypeNameLength = 80;

// Codecs that validate their input in the parent's context: look through them to the real container.
const wrapperTags: ReadonlySet<string> = new Set([
  'ReadonlyType',
  'ExactType',
  'StrictType',
  'RefinementType',
  'RecursiveType',
]);
// Codecs whose context keys are member numbers, not positions in the value: they add nothing to a path.
const alternativeTags: ReadonlySet<string> = new Set(['UnionType', 'IntersectionType']);
const indexedTags: ReadonlySet<string> = new Set(['ArrayType', 'ReadonlyArrayType', 'TupleType']);

const tagOf = (decoder: unknown): string | undefined =>
  typeof decoder === 'object' && decoder !== null && '_tag' in decoder && typeof decoder._tag === 'string'
    ? decoder._tag
    : undefined;

const containerTag = (decoder: unknown): string | undefined => {
  let current = decoder;
  // Bounded, because a recursive codec's definition can itself be a wrapper.
  for (let depth = 0; depth < 8; depth++) {
    const tag = tagOf(current);
    if (tag === undefined || !wrapperTags.has(tag) || typeof current !== 'object' || current === null) {
      return tag;
    }
    if (!('type' in current)) {
      return tag;
    }
    current = current.type;
  }
  return tagOf(current);
};

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const pathSegment = (parent: unknown, key: string): string => {
  const tag = containerTag(parent);
  if (tag !== undefined && alternativeTags.has(tag)) {
    return '';
  }
  if (tag !== undefined && indexedTags.has(tag)) {
    return `[${key}]`;
  }
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${cut(JSON.stringify(key), maxValueLength)}]`;
};

const pathOf = (context: t.Context): string => {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    path += pathSegment(context[i - 1].type, context[i].key);
  }
  return path === '' ? 'root' : path;
};

const expectedOf = (context: t.Context): string => {
  const last = context[context.length - 1];
  const parent = context.length > 1 ? context[context.length - 2] : undefined;
  // A value that fits no member of a union is reported once per member; naming the union instead
  // lets those reports collapse into one line.
  const reported = parent !== undefined && containerTag(parent.type) === 'UnionType' ? parent.type : last?.type;
  return cut(reported?.name ?? 'a valid value', maxTypeNameLength);
};

// Renders a value the way it would appear in JSON, cut short. Never throws, whatever the value.
const describeValue = (value: unknown): string => {
  switch (typeof value) {
    case 'undefined':
      return 'undefined (missing)';
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return cut(value.toString(), maxValueLength);
    case 'function':
      return 'a function';
    default:
      try {
        return cut(JSON.stringify(value) ?? Object.prototype.toString.call(value), maxValueLength);
      } catch {
        // Cycles and BigInts inside objects make JSON.stringify throw.
        return Object.prototype.toString.call(value);
      }
  }
};

/**
 * Turns io-ts validation errors into readable lines such as `at .email: expected string, got 42`,
 * one per distinct problem, listing at most `limit` and counting the rest.
 *
 * @example
 * import { reportErrors } from 'pubscribe';
 * import * as E from 'fp-ts/Either';
 * import * as t from 'io-ts';
 *
 * const result = t.type({ email: t.string }).decode({ email: 42 });
 * const issues = E.isLeft(result) ? reportErrors(result.left) : [];
 * // ['at .email: expected string, got 42']
 *
 * @param errors The errors from an io-ts `decode` or `validate`.
 * @param limit How many lines to list before summarising the rest; 20 by default.
 * @returns The readable lines.
 * @since 0.1.0
 * @category codecs
 */
export const reportErrors = (errors: t.Errors, limit = 20): readonly string[] => {
  const lines = new Set<string>();
  for (const error of errors) {
    const problem = error.message ?? `expected ${expectedOf(error.context)}, got ${describeValue(error.value)}`;
    lines.add(`at ${pathOf(error.context)}: ${problem}`);
  }
  const distinct = [...lines];
  if (distinct.length <= limit) {
    return distinct;
  }
  const more = distinct.length - limit;
  return [...distinct.slice(0, limit), `… and ${more} more ${more === 1 ? 'issue' : 'issues'}`];
};
