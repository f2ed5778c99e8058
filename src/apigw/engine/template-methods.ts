import { javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit } from './java-regex.js';

/**
 * API Gateway runs mapping templates on Java Velocity, so template values are Java objects: strings are
 * java.lang.String, JSON objects are Maps and arrays are Lists. These velocityjs method handlers give the JavaScript
 * values the Java methods templates call (`$s.length()`, `$s.matches(...)`, `$map.containsKey(...)`, ...), with
 * Java's semantics: regex arguments are Java regexes, `replace` is literal and replaces every occurrence, an index out
 * of range fails the template (a Java exception, which API Gateway answers with 500).
 */

type Call = { property: string; context: unknown; params: unknown[] };
type Handler = { uid: string; match(call: Call): boolean; resolve(call: Call): unknown };

function outOfRange(index: unknown): never {
  throw new Error(`index out of range: ${String(index)}`);
}

function checkIndex(i: unknown, size: number, inclusive = false): number {
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > size || (!inclusive && i === size)) outOfRange(i);
  return i;
}

const str = (v: unknown) => String(v);

/** java.lang.String.trim: strips code units up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

const STRING: Record<string, (s: string, a: unknown[]) => unknown> = {
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  equals: (s, [o]) => typeof o === 'string' && s === o,
  equalsIgnoreCase: (s, [o]) => typeof o === 'string' && s.length === o.length && s.toUpperCase() === o.toUpperCase(),
  contains: (s, [o]) => s.includes(str(o)),
  matches: (s, [re]) => javaMatches(str(re), s),
  replaceAll: (s, [re, by]) => javaReplaceAll(s, str(re), str(by)),
  replaceFirst: (s, [re, by]) => javaReplaceFirst(s, str(re), str(by)),
  replace: (s, [a, b]) => s.split(str(a)).join(str(b)),
  split: (s, [re]) => javaSplit(s, str(re)),
  startsWith: (s, [o, from]) => s.startsWith(str(o), typeof from === 'number' ? from : 0),
  endsWith: (s, [o]) => s.endsWith(str(o)),
  indexOf: (s, [o, from]) => s.indexOf(str(o), typeof from === 'number' ? from : 0),
  lastIndexOf: (s, [o]) => s.lastIndexOf(str(o)),
  substring: (s, [b, e]) => {
    const end = e === undefined ? s.length : checkIndex(e, s.length, true);
    const begin = checkIndex(b, end, true);
    return s.slice(begin, end);
  },
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  trim: (s) => javaTrim(s),
  charAt: (s, [i]) => s[checkIndex(i, s.length)],
  toString: (s: string) => s,
};

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (m: Record<string, unknown>, k: unknown) => Object.prototype.hasOwnProperty.call(m, str(k));

const MAP: Record<string, (m: Record<string, unknown>, a: unknown[]) => unknown> = {
  containsKey: (m, [k]) => own(m, k),
  containsValue: (m, [v]) => Object.values(m).includes(v),
  isEmpty: (m) => Object.keys(m).length === 0,
  size: (m) => Object.keys(m).length,
  get: (m, [k]) => (own(m, k) ? m[str(k)] : undefined),
  keySet: (m) => Object.keys(m),
  values: (m) => Object.values(m),
  entrySet: (m) => Object.entries(m).map(([key, value]) => ({ key, value })),
};

const LIST: Record<string, (l: unknown[], a: unknown[]) => unknown> = {
  isEmpty: (l) => l.length === 0,
  size: (l) => l.length,
  contains: (l, [v]) => l.includes(v),
  get: (l, [i]) => l[checkIndex(i, l.length)],
  indexOf: (l, [v]) => l.indexOf(v),
};

/** A value's own function member wins (`$input.path(...)`, `$util.urlEncode(...)` are functions of plain objects). */
const ownFunction = (c: unknown, p: string) => isMap(c) && typeof c[p] === 'function';

/** The handlers, for velocityjs's `customMethodHandlers` (consulted before its own). */
export const JAVA_METHOD_HANDLERS: Handler[] = [
  {
    uid: 'java.lang.String',
    match: ({ property, context }) => typeof context === 'string' && Object.hasOwn(STRING, property),
    resolve: ({ property, context, params }) => STRING[property]!(context as string, params),
  },
  {
    uid: 'java.util.List',
    match: ({ property, context }) => Array.isArray(context) && Object.hasOwn(LIST, property),
    resolve: ({ property, context, params }) => LIST[property]!(context as unknown[], params),
  },
  {
    uid: 'java.util.Map',
    match: ({ property, context }) => isMap(context) && Object.hasOwn(MAP, property) && !ownFunction(context, property),
    resolve: ({ property, context, params }) => MAP[property]!(context as Record<string, unknown>, params),
  },
];
