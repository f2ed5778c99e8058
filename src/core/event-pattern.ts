/**
 * Event patterns: the JSON filter language shared by Lambda event source mapping `FilterCriteria` (event-sources.md
 * §2.5) and EventBridge rule `EventPattern`s. One parser/validator and one matcher serve both services.
 *
 * Sources (AWS documents are authoritative; Event Ruler is the open-source AWS engine behind EventBridge and is
 * used only for details the user guides leave out):
 * - Lambda DG "Lambda event filtering" (invocation-eventfiltering): operator table; "for numbers, Lambda also uses
 *   string representation. 300, 300.0 and 3.0e2 are not considered equal"; the SQS `body` format table.
 * - EventBridge UG "Event patterns", "Arrays in event patterns", "Matching null values and empty strings",
 *   "Content filtering" / "Comparison operators": prefix, suffix, equals-ignore-case, wildcard, anything-but (value,
 *   list, prefix/suffix/equals-ignore-case/wildcard), numeric, cidr, exists, `$or`; duplicate keys: last one wins.
 * - aws/event-ruler README: wildcard escaping rules, `$or` needs 2+ objects, numeric range ±5.0e9 with six digits
 *   to the right of the decimal point, array-consistent matching of objects inside arrays.
 *
 * Semantic choices (where the documents are silent or differ):
 * 1. Exact numbers compare by their JSON source text (`300` ≠ `300.0` ≠ `3e2`), as both guides state. That needs
 *    the text, so patterns are parsed by our own JSON reader and event JSON text should be read with
 *    `parseEventJson` (numbers become `JsonNumber`). Plain JS numbers in an already-parsed event use their
 *    canonical JS form (`String(n)`, the same as `JSON.stringify`).
 * 2. `numeric` (and numeric `anything-but`) compare by value, rounded to 6 decimal places; operands must lie in
 *    [-5e9, 5e9], and event numbers outside that range never satisfy a `numeric` rule ("limited to values between").
 * 3. A missing field fails every rule except `{"exists": false}`; `anything-but` needs the field to be present.
 *    `exists` only sees leaf values: a field holding an object (or an empty array, or an array of objects) does
 *    not "exist" (EventBridge: "Exists matching only works on leaf nodes"). `null` is a value, so it exists.
 * 4. An event array matches a rule list when any element matches ("intersection is non-empty"); nested arrays are
 *    flattened. An array of objects matches a nested pattern object when one element matches the whole object
 *    (array-consistent: fields are never combined across different elements).
 * 5. `anything-but` matches any present value that is not excluded, whatever its type (a number is "anything but"
 *    a string). The prefix/suffix/equals-ignore-case/wildcard forms only exclude strings.
 * 6. prefix/suffix/equals-ignore-case/wildcard/cidr only match string values; ignore-case uses `toLowerCase()`.
 *    cidr matches addresses of the rule's own family (an IPv4 string never matches an IPv6 block).
 * 7. `$or` is recognised when its value is an array; it must hold at least 2 non-empty objects. An object-valued
 *    `$or` is an ordinary field name (Event Ruler keeps that for backward compatibility).
 * 8. Empty objects, empty rule arrays and nesting deeper than MAX_PATTERN_DEPTH objects are rejected.
 * 9. Both services get the EventBridge operator set; Lambda's own table lists a subset, and "Lambda supports the
 *    same set of syntax and rules as Amazon EventBridge" (Lambda DG). Narrowing it, if ever wanted, is for the ESM code.
 * 10. SQS: a body counts as JSON when it parses to an object or an array (see matchesSqsRecord).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Invalid pattern. The message is the reason; services wrap it (EventBridge: `Event pattern is not valid. Reason: …`). */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

/** A JSON number together with its source text, so exact matches can compare string forms as AWS does. */
export class JsonNumber {
  readonly value: number;
  constructor(readonly source: string) {
    this.value = Number(source);
  }
  toJSON(): number {
    return this.value;
  }
}

/** Deepest allowed nesting of pattern objects (`$or` alternatives count as a level). Not an AWS-documented figure. */
export const MAX_PATTERN_DEPTH = 32;
/** Deepest container nesting `parseEventJson` reads before giving up (keeps the recursive reader off the stack limit). */
export const MAX_EVENT_DEPTH = 1000;
/** EventBridge: numeric matching "is limited to values between -5.0e9 and +5.0e9 inclusive". */
const NUMERIC_LIMIT = 5e9;
/** "15 digits of precision, that is to say 6 digits to the right of the decimal point". */
const NUMERIC_SCALE = 1e6;

// ---------------------------------------------------------------------------------------------------------------
// JSON reader that keeps number source text (RFC 8259; duplicate keys: last one wins, like JSON.parse).

type Json = string | JsonNumber | boolean | null | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

class JsonTextError extends Error {}
class JsonDepthError extends Error {}

const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  document(): Json {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.unexpected();
    return value;
  }

  private value(depth: number): Json {
    this.skipWhitespace();
    switch (this.text[this.pos]) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const out: JsonObject = {};
    this.pos++;
    if (this.peekAfterWhitespace() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.unexpected();
      const key = this.string();
      this.expect(':');
      // defineProperty: a "__proto__" key must become an own property, not the prototype.
      Object.defineProperty(out, key, { value: this.value(depth), enumerable: true, writable: true, configurable: true });
      if (this.separator('}')) return out;
    }
  }

  private array(depth: number): Json[] {
    this.enter(depth);
    const out: Json[] = [];
    this.pos++;
    if (this.peekAfterWhitespace() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      if (this.separator(']')) return out;
    }
  }

  private string(): string {
    const { text } = this;
    let out = '';
    let start = ++this.pos;
    for (;;) {
      if (this.pos >= text.length) this.unexpected();
      const c = text.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c < 0x20) this.unexpected();
      if (c === 0x5c) {
        out += text.slice(start, this.pos) + this.escape();
        start = this.pos;
      } else {
        this.pos++;
      }
    }
    out += text.slice(start, this.pos);
    this.pos++;
    return out;
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.unexpected(this.pos + 1);
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const decoded = c === undefined ? undefined : ESCAPES[c];
    if (decoded === undefined) this.unexpected(this.pos + 1);
    this.pos += 2;
    return decoded;
  }

  private number(): JsonNumber {
    NUMBER_TOKEN.lastIndex = this.pos;
    const m = NUMBER_TOKEN.exec(this.text);
    if (!m) this.unexpected();
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  private literal<T extends boolean | null>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.unexpected();
    this.pos += word.length;
    return value;
  }

  /** After a member or element: `,` (more follow) or the closing bracket (returns true). */
  private separator(close: string): boolean {
    this.skipWhitespace();
    const c = this.text[this.pos];
    this.pos++;
    if (c === close) return true;
    if (c !== ',') this.unexpected(this.pos - 1);
    return false;
  }

  private expect(c: string): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== c) this.unexpected();
    this.pos++;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) throw new JsonDepthError(`nesting deeper than ${this.maxDepth} levels`);
  }

  private peekAfterWhitespace(): string | undefined {
    this.skipWhitespace();
    return this.text[this.pos];
  }

  private skipWhitespace(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private unexpected(at = this.pos): never {
    if (at >= this.text.length) throw new JsonTextError('Unexpected end of JSON input');
    throw new JsonTextError(`Unexpected character ${JSON.stringify(this.text[at])} at position ${at}`);
  }
}

/**
 * Parses event JSON text for matching, keeping every number's source text (as `JsonNumber`) so exact number rules
 * compare string forms like AWS. Throws SyntaxError on invalid JSON or nesting deeper than MAX_EVENT_DEPTH.
 */
export function parseEventJson(text: string): unknown {
  try {
    return new JsonReader(text, MAX_EVENT_DEPTH).document();
  } catch (err) {
    if (err instanceof JsonTextError || err instanceof JsonDepthError) throw new SyntaxError(err.message);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsed pattern.

/** A parsed, validated pattern object: AND over `fields`, and (when present) OR over the `$or` alternatives. */
export interface EventPattern {
  readonly kind: 'object';
  readonly fields: ReadonlyArray<readonly [string, PatternNode]>;
  readonly or: readonly EventPattern[] | undefined;
}

/** A leaf: the array of rules for one field (OR). */
interface RuleList {
  readonly kind: 'rules';
  readonly rules: readonly Rule[];
}

type PatternNode = EventPattern | RuleList;
type StringTest = (s: string) => boolean;

type Rule =
  | { readonly op: 'exact'; readonly value: string | boolean | null }
  | { readonly op: 'exact-number'; readonly source: string }
  | { readonly op: 'string'; readonly test: StringTest }
  | { readonly op: 'numeric'; readonly test: (scaled: number) => boolean }
  | { readonly op: 'anything-but'; readonly excludes: (value: unknown) => boolean }
  | { readonly op: 'exists'; readonly value: boolean };

/** Parses and validates a pattern's JSON text; throws PatternError with the reason when it is not a valid pattern. */
export function parsePattern(text: string): EventPattern {
  let json: Json;
  try {
    // Below the deepest pattern object sit up to 4 more containers: leaf array, operator object, and an operand
    // such as `{"anything-but": {"prefix": [...]}}`. Deeper text is refused before compileObject counts objects.
    json = new JsonReader(text, MAX_PATTERN_DEPTH + 4).document();
  } catch (err) {
    if (err instanceof JsonDepthError) throw depthError();
    if (err instanceof JsonTextError) throw new PatternError(`Pattern is not valid JSON: ${err.message}`);
    throw err;
  }
  if (!isJsonObject(json)) throw new PatternError('Pattern must be a JSON object');
  return compileObject(json, [], 1);
}

function depthError(): PatternError {
  return new PatternError(`Pattern nesting exceeds the maximum depth of ${MAX_PATTERN_DEPTH} objects`);
}

function isJsonObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function show(path: readonly string[]): string {
  return JSON.stringify(path.join('.'));
}

function compileObject(obj: JsonObject, path: readonly string[], depth: number): EventPattern {
  if (depth > MAX_PATTERN_DEPTH) throw depthError();
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    throw new PatternError(path.length ? `Empty objects are not allowed at ${show(path)}` : 'Empty objects are not allowed');
  }
  const fields: Array<readonly [string, PatternNode]> = [];
  let or: EventPattern[] | undefined;
  for (const key of keys) {
    const value = obj[key]!;
    const at = [...path, key];
    if (key === '$or' && Array.isArray(value)) or = compileOr(value, path, depth);
    else if (isJsonObject(value)) fields.push([key, compileObject(value, at, depth + 1)]);
    else if (Array.isArray(value)) fields.push([key, compileRuleList(value, at)]);
    else throw new PatternError(`${show(at)} must be an object or an array`);
  }
  return { kind: 'object', fields, or };
}

/** `"$or": [ {...}, {...} ]` — alternatives evaluated against the same object as the fields beside it. */
function compileOr(list: Json[], path: readonly string[], depth: number): EventPattern[] {
  const at = [...path, '$or'];
  if (list.length < 2) throw new PatternError(`${show(at)} must be an array of at least 2 objects`);
  return list.map((alt, i) => {
    if (!isJsonObject(alt)) throw new PatternError(`${show(at)} must be an array of at least 2 objects`);
    return compileObject(alt, [...path, `$or[${i}]`], depth + 1);
  });
}

function compileRuleList(list: Json[], path: readonly string[]): RuleList {
  if (list.length === 0) throw new PatternError(`Empty arrays are not allowed at ${show(path)}`);
  return { kind: 'rules', rules: list.map((item) => compileRule(item, path)) };
}

function compileRule(item: Json, path: readonly string[]): Rule {
  if (item instanceof JsonNumber) return { op: 'exact-number', source: item.source };
  if (isJsonObject(item)) return compileOperator(item, path);
  if (Array.isArray(item)) throw new PatternError(`Match value must be String, number, true, false, or null at ${show(path)}`);
  return { op: 'exact', value: item };
}

function compileOperator(obj: JsonObject, path: readonly string[]): Rule {
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new PatternError(`Empty objects are not allowed at ${show(path)}`);
  if (keys.length > 1) {
    throw new PatternError(`Only one key allowed in match expression at ${show(path)}, got ${keys.join(', ')}`);
  }
  const op = keys[0]!;
  const arg = obj[op]!;
  switch (op) {
    case 'prefix':
      return { op: 'string', test: affixTest(op, arg, path, (s, p) => s.startsWith(p)) };
    case 'suffix':
      return { op: 'string', test: affixTest(op, arg, path, (s, p) => s.endsWith(p)) };
    case 'equals-ignore-case':
      return { op: 'string', test: ignoreCaseTest(requireString(op, arg, path)) };
    case 'wildcard':
      return { op: 'string', test: wildcardTest(requireString(op, arg, path), path) };
    case 'cidr':
      return { op: 'string', test: cidrTest(arg, path) };
    case 'anything-but':
      return { op: 'anything-but', excludes: anythingBut(arg, path) };
    case 'numeric':
      return { op: 'numeric', test: numericTest(arg, path) };
    case 'exists':
      if (typeof arg !== 'boolean') {
        throw new PatternError(`exists match pattern must be either true or false at ${show(path)}`);
      }
      return { op: 'exists', value: arg };
    default:
      throw new PatternError(`Unrecognized match type ${JSON.stringify(op)} at ${show(path)}`);
  }
}

function requireString(op: string, arg: Json, path: readonly string[]): string {
  if (typeof arg !== 'string') throw new PatternError(`${JSON.stringify(op)} match pattern must be a string at ${show(path)}`);
  return arg;
}

/** `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "US-"}}` (same for suffix). */
function affixTest(op: string, arg: Json, path: readonly string[], affix: (s: string, a: string) => boolean): StringTest {
  if (typeof arg === 'string') return (s) => affix(s, arg);
  const keys = isJsonObject(arg) ? Object.keys(arg) : [];
  const inner = isJsonObject(arg) ? arg['equals-ignore-case'] : undefined;
  if (keys.length !== 1 || typeof inner !== 'string') {
    const expected = 'a string or {"equals-ignore-case": string}';
    throw new PatternError(`${JSON.stringify(op)} match pattern must be ${expected} at ${show(path)}`);
  }
  const lowered = inner.toLowerCase();
  return (s) => affix(s.toLowerCase(), lowered);
}

function ignoreCaseTest(value: string): StringTest {
  const lowered = value.toLowerCase();
  return (s) => s.toLowerCase() === lowered;
}

// ---------------------------------------------------------------------------------------------------------------
// wildcard: `*` matches any run of characters (also none); `\*` is a literal asterisk and `\\` a backslash;
// consecutive `**` and any other escape are invalid (Event Ruler "Wildcard matching").

function wildcardTest(pattern: string, path: readonly string[]): StringTest {
  const segments = wildcardSegments(pattern, path);
  return (s) => globMatch(segments, s);
}

function wildcardSegments(pattern: string, path: readonly string[]): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new PatternError(`Invalid escape in wildcard pattern at ${show(path)}, position ${i}`);
      }
      current += next;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        throw new PatternError(`Consecutive wildcard characters in wildcard pattern at ${show(path)}, position ${i}`);
      }
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** Literal segments separated by `*`: anchored first and last, leftmost search for the middle ones (O(n·m)). */
function globMatch(segments: readonly string[], s: string): boolean {
  const first = segments[0]!;
  if (segments.length === 1) return s === first;
  const last = segments[segments.length - 1]!;
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  let pos = first.length;
  const end = s.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const at = s.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// cidr: IPv4 and IPv6 blocks ("IP address matching"); a bare address is a /32 or /128.

interface IpAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

function cidrTest(arg: Json, path: readonly string[]): StringTest {
  const block = typeof arg === 'string' ? parseCidr(arg) : undefined;
  if (!block) throw new PatternError(`"cidr" match pattern must be an IPv4 or IPv6 address or CIDR block at ${show(path)}`);
  const shift = BigInt(block.bits - block.prefix);
  const network = block.value >> shift;
  return (s) => {
    const ip = parseIp(s);
    return ip !== undefined && ip.bits === block.bits && ip.value >> shift === network;
  };
}

function parseCidr(text: string): (IpAddress & { prefix: number }) | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  if (slash < 0) return { ...ip, prefix: ip.bits };
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len) || Number(len) > ip.bits) return undefined;
  return { ...ip, prefix: Number(len) };
}

function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { bits: 32, value: ipv4Value(text) };
  if (isIPv6(text) && !text.includes('%')) return { bits: 128, value: ipv6Value(text) };
  return undefined;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Expects an address already checked by isIPv6 (so `::` appears at most once). */
function ipv6Value(text: string): bigint {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const v4 = ipv4Value(g);
          return [Number(v4 >> 16n), Number(v4 & 0xffffn)];
        });
  const gap = text.indexOf('::');
  const head = groups(gap < 0 ? text : text.slice(0, gap));
  const tail = gap < 0 ? [] : groups(text.slice(gap + 2));
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

// ---------------------------------------------------------------------------------------------------------------
// numeric: ["=", n] | [op, n] | [lowerOp, n, upperOp, n] with op in = < <= > >=.

const LOWER_OPS = new Set(['>', '>=']);
const UPPER_OPS = new Set(['<', '<=']);

interface Bound {
  readonly op: string;
  readonly scaled: number;
}

function numericTest(arg: Json, path: readonly string[]): (scaled: number) => boolean {
  const at = show(path);
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    throw new PatternError(`"numeric" must be an array of one or two operator/number pairs at ${at}`);
  }
  const bounds: Bound[] = [];
  for (let i = 0; i < arg.length; i += 2) bounds.push(numericBound(arg[i]!, arg[i + 1]!, at));
  if (bounds.length === 1) return boundTest(bounds[0]!);
  const [a, b] = bounds as [Bound, Bound];
  if (a.op === '=' || b.op === '=') throw new PatternError(`"=" cannot be combined with another numeric operator at ${at}`);
  const lower = LOWER_OPS.has(a.op) ? a : b;
  const upper = lower === a ? b : a;
  if (!LOWER_OPS.has(lower.op) || !UPPER_OPS.has(upper.op)) {
    throw new PatternError(`A numeric range needs one lower (> or >=) and one upper (< or <=) bound at ${at}`);
  }
  if (lower.scaled >= upper.scaled) {
    throw new PatternError(`Numeric range lower bound must be less than the upper bound at ${at}`);
  }
  const lowerTest = boundTest(lower);
  const upperTest = boundTest(upper);
  return (n) => lowerTest(n) && upperTest(n);
}

function numericBound(op: Json, operand: Json, at: string): Bound {
  if (typeof op !== 'string' || !(op === '=' || LOWER_OPS.has(op) || UPPER_OPS.has(op))) {
    throw new PatternError(`Unrecognized numeric operator ${JSON.stringify(op)} at ${at}`);
  }
  if (!(operand instanceof JsonNumber)) throw new PatternError(`Value of numeric operator "${op}" must be a number at ${at}`);
  return { op, scaled: scaledOperand(operand, at) };
}

function scaledOperand(n: JsonNumber, at: string): number {
  if (!(Math.abs(n.value) <= NUMERIC_LIMIT)) {
    throw new PatternError(`Numeric value ${n.source} is outside the supported range -5.0e9 to 5.0e9 at ${at}`);
  }
  return scale(n.value);
}

function boundTest({ op, scaled: x }: Bound): (n: number) => boolean {
  switch (op) {
    case '=':
      return (n) => n === x;
    case '<':
      return (n) => n < x;
    case '<=':
      return (n) => n <= x;
    case '>':
      return (n) => n > x;
    default:
      return (n) => n >= x;
  }
}

/** Numbers compare with six digits to the right of the decimal point (5e9 · 1e6 still fits a safe integer). */
function scale(n: number): number {
  return Math.round(n * NUMERIC_SCALE);
}

// ---------------------------------------------------------------------------------------------------------------
// anything-but: a string, a number, a list of only strings or only numbers, or one of
// {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string | [string, ...]}.

function anythingBut(arg: Json, path: readonly string[]): (value: unknown) => boolean {
  const at = show(path);
  if (typeof arg === 'string' || arg instanceof JsonNumber) return excludedValues([arg], at);
  if (Array.isArray(arg)) return excludedValues(arg, at);
  if (isJsonObject(arg)) return excludedStrings(arg, path);
  throw new PatternError(`Value of anything-but must be a string, a number, an array of them, or an object at ${at}`);
}

function excludedValues(list: Json[], at: string): (value: unknown) => boolean {
  if (list.length === 0) throw new PatternError(`Empty arrays are not allowed in anything-but at ${at}`);
  if (list.every((v): v is string => typeof v === 'string')) {
    const set = new Set(list);
    return (v) => typeof v === 'string' && set.has(v);
  }
  if (list.every((v): v is JsonNumber => v instanceof JsonNumber)) {
    const set = new Set(list.map((n) => scaledOperand(n, at)));
    return (v) => {
      const n = numberOf(v);
      return n !== undefined && set.has(scale(n));
    };
  }
  throw new PatternError(`Inside anything-but list, values must be all strings or all numbers at ${at}`);
}

const ANYTHING_BUT_STRING_OPS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

function excludedStrings(obj: JsonObject, path: readonly string[]): (value: unknown) => boolean {
  const at = show(path);
  const keys = Object.keys(obj);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined || !ANYTHING_BUT_STRING_OPS.includes(op)) {
    throw new PatternError(`anything-but accepts only one of ${ANYTHING_BUT_STRING_OPS.join(', ')} as a nested match at ${at}`);
  }
  const arg = obj[op]!;
  const values = typeof arg === 'string' ? [arg] : arg;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v): v is string => typeof v === 'string')) {
    const expected = 'a string or a non-empty array of strings';
    throw new PatternError(`Value of anything-but ${JSON.stringify(op)} must be ${expected} at ${at}`);
  }
  const tests = values.map((v) => stringOperatorTest(op, v, path));
  return (v) => typeof v === 'string' && tests.some((test) => test(v));
}

function stringOperatorTest(op: string, value: string, path: readonly string[]): StringTest {
  switch (op) {
    case 'prefix':
      return (s) => s.startsWith(value);
    case 'suffix':
      return (s) => s.endsWith(value);
    case 'equals-ignore-case':
      return ignoreCaseTest(value);
    default:
      return wildcardTest(value, path);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Matching.

/** true if the event (a parsed JSON value; see parseEventJson for exact number forms) matches the pattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

/** Decides, for a top-level field, whether matching may go on (used for the SQS body format check). */
type FieldGuard = (key: string, node: PatternNode) => boolean;

function matchObject(pattern: EventPattern, value: unknown): boolean {
  return objectContexts(value).some((ctx) => matchInContext(pattern, ctx, undefined));
}

function matchInContext(pattern: EventPattern, ctx: object | undefined, guard: FieldGuard | undefined): boolean {
  for (const [key, node] of pattern.fields) {
    if (guard && !guard(key, node)) return false;
    const value = ctx !== undefined && Object.hasOwn(ctx, key) ? (ctx as Record<string, unknown>)[key] : undefined;
    const ok = node.kind === 'rules' ? matchRules(node.rules, leafValues(value)) : matchObject(node, value);
    if (!ok) return false;
  }
  return pattern.or === undefined || pattern.or.some((alt) => matchInContext(alt, ctx, guard));
}

/**
 * The objects a nested pattern is matched against: the object itself, or each object inside an array (at any
 * depth). Anything else — missing, a scalar, an array without objects — is one empty context, where only
 * `exists: false` can match.
 */
function objectContexts(value: unknown): Array<object | undefined> {
  if (isEventObject(value)) return [value];
  if (!Array.isArray(value)) return [undefined];
  const found = flatten(value).filter(isEventObject);
  return found.length ? found : [undefined];
}

/** Leaf values of a field: a scalar, or the scalars of an array (flattened). Objects are not leaves. */
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

/** Iterative flatten, so deeply nested event arrays cannot exhaust the stack. */
function flatten(array: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: Array<{ items: readonly unknown[]; i: number }> = [{ items: array, i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.i++];
    if (Array.isArray(item)) stack.push({ items: item, i: 0 });
    else out.push(item);
  }
  return out;
}

function isEventObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof JsonNumber;
}

/** A field's rule list: OR over the rules, each rule satisfied by any of the field's leaf values. */
function matchRules(rules: readonly Rule[], values: readonly unknown[]): boolean {
  return rules.some((rule) =>
    rule.op === 'exists' ? rule.value === (values.length > 0) : values.some((v) => matchRule(rule, v)),
  );
}

function matchRule(rule: Exclude<Rule, { op: 'exists' }>, v: unknown): boolean {
  switch (rule.op) {
    case 'exact':
      return v === rule.value;
    case 'exact-number':
      // Lambda DG / EventBridge UG: "For numbers, … uses string representation" — 300, 300.0 and 3.0e2 differ.
      return numberSource(v) === rule.source;
    case 'string':
      return typeof v === 'string' && rule.test(v);
    case 'numeric': {
      const n = numberOf(v);
      return n !== undefined && Math.abs(n) <= NUMERIC_LIMIT && rule.test(scale(n));
    }
    case 'anything-but':
      return !rule.excludes(v);
  }
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return v instanceof JsonNumber ? v.value : undefined;
}

function numberSource(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return v instanceof JsonNumber ? v.source : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Lambda + SQS: message content is filtered under `body`, which arrives as a string.

/**
 * Matches an SQS event record (`body` is the raw message string) against a Lambda filter pattern, applying the
 * Lambda DG body-format table: a pattern `body` object needs a JSON body, a pattern `body` rule array needs a plain
 * (non-JSON) body, otherwise the message is dropped (false); without `body` in the pattern only metadata counts.
 * A body counts as JSON when it parses to an object or an array; a bare JSON scalar (`123`, `"x"`, `true`) is
 * treated as plain text, so `"body": ["123"]` matches the body `123`.
 */
export function matchesSqsRecord(pattern: EventPattern, record: { readonly body?: unknown }): boolean {
  const parsed = parseJsonBody(record.body);
  const bodyIsJson = parsed !== undefined;
  const view = bodyIsJson ? { ...record, body: parsed } : record;
  // Only top-level `body` keys (directly or inside top-level `$or` alternatives) are the message content.
  const guard: FieldGuard = (key, node) => key !== 'body' || (node.kind === 'object') === bodyIsJson;
  return matchInContext(pattern, view, guard);
}

function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = parseEventJson(body);
    return typeof parsed === 'object' && parsed !== null && !(parsed instanceof JsonNumber) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
