/**
 * Java regular expressions (java.util.regex, as API Gateway's `selectionPattern` and the Velocity template String
 * methods use them) translated to JavaScript RegExp. Covered: leading inline flags `(?i)` `(?s)` `(?m)` (combined, as
 * `(?is)`), `\Q…\E` quoting, the POSIX classes `\p{Alpha}` … `\p{XDigit}` with Java's ASCII meanings, possessive
 * quantifiers (approximated as greedy), atomic groups (as plain groups), `\A` `\z` `\Z` `\h` `\R`, Java's ASCII `\s`.
 * Constructs with no faithful JavaScript form (inline flags after the start, class union/intersection, `\G`, `(?x)`,
 * Unicode `\p{…}` categories) are refused with a JavaRegexError rather than matched differently.
 */

export class JavaRegexError extends Error {}

/** Java's POSIX character classes (US-ASCII only, as java.util.regex.Pattern defines them), as class bodies. */
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';
const HORIZONTAL = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
/** Escapes that mean the same in both languages. */
const SAME_ESCAPES = new Set(['t', 'n', 'r', 'f', 'd', 'D', 'w', 'W', 'b', 'B', 'u', 'x', 'c']);
const QUANTIFIER = /^\{\d+(,\d*)?\}/;

interface Translation {
  source: string;
  flags: string;
}

const escapeLiteral = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

class Translator {
  private i = 0;
  private out = '';
  private flags = new Set<string>();

  constructor(private readonly p: string) {}

  run(): Translation {
    this.leadingFlags();
    while (this.i < this.p.length) this.step();
    return { source: this.out, flags: [...this.flags].join('') };
  }

  private fail(what: string): never {
    throw new JavaRegexError(`${what} at index ${this.i} in ${JSON.stringify(this.p)}`);
  }

  /** `(?i)`, `(?s)`, `(?m)`, `(?is)`… at the very start become RegExp flags. */
  private leadingFlags(): void {
    for (let m = /^\(\?([a-zA-Z]*)\)/.exec(this.p); m; m = /^\(\?([a-zA-Z]*)\)/.exec(this.p.slice(this.i))) {
      for (const f of m[1]!) {
        if (f === 'i' || f === 's' || f === 'm') this.flags.add(f);
        else if (f !== 'u' && f !== 'd') this.fail(`Unsupported inline flag (?${f})`);
      }
      this.i += m[0].length;
    }
  }

  private step(): void {
    const c = this.p[this.i]!;
    if (c === '\\') return this.escape(false);
    if (c === '[') return this.charClass();
    if (c === '(') return this.group();
    if (c === '*' || c === '+' || c === '?') return this.quantifier(c);
    if (c === '{') {
      const q = QUANTIFIER.exec(this.p.slice(this.i));
      if (!q) this.fail('Illegal repetition');
      return this.quantifier(q[0]);
    }
    this.out += c === '/' ? '\\/' : c;
    this.i++;
  }

  /** A quantifier; a trailing `+` (possessive) is dropped, a trailing `?` (lazy) kept. */
  private quantifier(q: string): void {
    this.out += q;
    this.i += q.length;
    if (this.p[this.i] === '+') this.i++;
    else if (this.p[this.i] === '?') {
      this.out += '?';
      this.i++;
    }
  }

  private group(): void {
    const rest = this.p.slice(this.i);
    const plain = /^\((\?(:|=|!|<=|<!|<[a-zA-Z][a-zA-Z0-9]*>))?/.exec(rest)!;
    if (rest.startsWith('(?>')) {
      this.out += '(?:';
      this.i += 3;
    } else if (rest.startsWith('(?') && plain[1] === undefined) {
      this.fail('Unsupported group construct (inline flags are only taken at the start of the pattern)');
    } else {
      this.out += plain[0];
      this.i += plain[0].length;
    }
  }

  /** `\Q…\E`: everything up to `\E` (or the end) is literal. */
  private quoted(): string {
    const end = this.p.indexOf('\\E', this.i);
    const text = this.p.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.p.length : end + 2;
    return escapeLiteral(text);
  }

  /** An escape, outside (`inClass` false) or inside a character class. */
  private escape(inClass: boolean): void {
    const c = this.p[this.i + 1];
    if (c === undefined) this.fail('Unexpected internal error: trailing backslash');
    this.i += 2;
    if (c === 'Q') {
      this.out += this.quoted();
    } else if (c === 'p' || c === 'P') {
      this.out += this.posix(c === 'P', inClass);
    } else if (c === 's') {
      this.out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
    } else if (c === 'S') {
      this.out += inClass ? '\\S' : `[^${JAVA_SPACE}]`;
    } else if (c === 'h' || c === 'H') {
      if (inClass && c === 'H') this.fail('Unsupported \\H in a character class');
      this.out += inClass ? HORIZONTAL : `[${c === 'H' ? '^' : ''}${HORIZONTAL}]`;
    } else if (!inClass && c === 'A') {
      this.out += '(?<![\\s\\S])';
    } else if (!inClass && c === 'z') {
      this.out += '(?![\\s\\S])';
    } else if (!inClass && c === 'Z') {
      this.out += '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))';
    } else if (!inClass && c === 'R') {
      this.out += '(?:\\r\\n|[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029])';
    } else if (c === 'e') {
      this.out += '\\x1B';
    } else if (c === 'a') {
      this.out += '\\x07';
    } else if (c === '0') {
      const oct = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(this.p.slice(this.i));
      if (!oct) this.fail('Illegal octal escape sequence');
      this.i += oct[0].length;
      this.out += `\\x${parseInt(oct[0], 8).toString(16).padStart(2, '0')}`;
    } else if (c === 'k' && !inClass) {
      this.out += '\\k';
    } else if (/[0-9]/.test(c) && !inClass) {
      this.out += `\\${c}`;
    } else if (SAME_ESCAPES.has(c)) {
      this.out += `\\${c}`;
    } else if (/[a-zA-Z]/.test(c)) {
      this.i -= 1;
      this.fail(`Unsupported escape sequence \\${c}`);
    } else {
      this.out += `\\${c}`;
    }
  }

  private posix(negated: boolean, inClass: boolean): string {
    const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(this.p.slice(this.i));
    const body = m ? POSIX[m[1]!] : undefined;
    if (!m || body === undefined) this.fail('Unsupported character property (only the POSIX classes \\p{Alpha}, \\p{Digit}, … are served)');
    this.i += m[0].length;
    if (!inClass) return `[${negated ? '^' : ''}${body}]`;
    if (negated) this.fail('Unsupported negated property in a character class');
    return body;
  }

  /** `[...]`: copied with its escapes translated; Java's nested classes and `&&` intersections are refused. */
  private charClass(): void {
    this.out += '[';
    this.i++;
    if (this.p[this.i] === '^') {
      this.out += '^';
      this.i++;
    }
    if (this.p[this.i] === ']') {
      this.out += '\\]';
      this.i++;
    }
    while (this.i < this.p.length && this.p[this.i] !== ']') {
      const c = this.p[this.i]!;
      if (c === '\\') {
        this.escape(true);
        continue;
      }
      if (c === '[') this.fail('Unsupported nested character class (union)');
      if (c === '&' && this.p[this.i + 1] === '&') this.fail('Unsupported character class intersection (&&)');
      this.out += c;
      this.i++;
    }
    if (this.i >= this.p.length) this.fail('Unclosed character class');
    this.out += ']';
    this.i++;
  }
}

/** The JavaScript source and flags of a Java pattern; JavaRegexError when it is invalid or not translatable. */
export function translateJavaRegex(pattern: string): Translation {
  const t = new Translator(pattern).run();
  try {
    new RegExp(t.source, t.flags);
  } catch (err) {
    throw new JavaRegexError(`Invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
  return t;
}

const cache = new Map<string, { whole: RegExp; global: RegExp }>();
const CACHE_LIMIT = 500;

function compiled(pattern: string): { whole: RegExp; global: RegExp } {
  let hit = cache.get(pattern);
  if (!hit) {
    const t = translateJavaRegex(pattern);
    hit = { whole: new RegExp(`(?<![\\s\\S])(?:${t.source})(?![\\s\\S])`, t.flags), global: new RegExp(t.source, `${t.flags}g`) };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(pattern, hit);
  }
  return hit;
}

/** Java's `String.matches(regex)`: the whole input must match. */
export function javaMatches(pattern: string, input: string): boolean {
  return compiled(pattern).whole.test(input);
}

/** Every match of the pattern, in order (a fresh global RegExp each call: no shared lastIndex). */
function* matchesOf(pattern: string, input: string): Generator<RegExpExecArray> {
  const g = compiled(pattern).global;
  const re = new RegExp(g.source, g.flags);
  for (let m = re.exec(input); m; m = re.exec(input)) {
    yield m;
    if (m[0] === '') re.lastIndex++;
  }
}

/** A Java replacement string (`$1`, `${name}`, `\$`, `\\`) applied to one match. */
function expand(replacement: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new JavaRegexError('character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      const named = /^\{([a-zA-Z][a-zA-Z0-9]*)\}/.exec(replacement.slice(i + 1));
      if (named) {
        if (!m.groups || !(named[1]! in m.groups)) throw new JavaRegexError(`No group with name {${named[1]}}`);
        out += m.groups[named[1]!] ?? '';
        i += named[0].length;
        continue;
      }
      const digits = /^\d+/.exec(replacement.slice(i + 1));
      if (!digits) throw new JavaRegexError('Illegal group reference');
      // Java takes as many digits as still name an existing group.
      let n = digits[0]!;
      while (n.length > 1 && Number(n) >= m.length) n = n.slice(0, -1);
      if (Number(n) >= m.length) throw new JavaRegexError(`No group ${n}`);
      out += m[Number(n)] ?? '';
      i += n.length;
    } else {
      out += c;
    }
  }
  return out;
}

function replace(input: string, pattern: string, replacement: string, all: boolean): string {
  let out = '';
  let last = 0;
  for (const m of matchesOf(pattern, input)) {
    out += input.slice(last, m.index) + expand(replacement, m);
    last = m.index + m[0].length;
    if (!all) break;
  }
  return out + input.slice(last);
}

/** Java's `String.replaceAll(regex, replacement)`. */
export const javaReplaceAll = (input: string, pattern: string, replacement: string) => replace(input, pattern, replacement, true);
/** Java's `String.replaceFirst(regex, replacement)`. */
export const javaReplaceFirst = (input: string, pattern: string, replacement: string) => replace(input, pattern, replacement, false);

/** Java's `String.split(regex)`: no leading empty piece for a zero-width match at 0, trailing empty pieces removed. */
export function javaSplit(input: string, pattern: string): string[] {
  const parts: string[] = [];
  let index = 0;
  for (const m of matchesOf(pattern, input)) {
    const end = m.index + m[0].length;
    if (m.index === 0 && end === 0) continue;
    parts.push(input.slice(index, m.index));
    index = end;
  }
  if (index === 0) return [input];
  parts.push(input.slice(index));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
