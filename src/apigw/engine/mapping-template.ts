import { parse, Compile } from 'velocityjs';
import { jsonPath } from './json-path.js';
import { JAVA_METHOD_HANDLERS } from './template-methods.js';

/** What a REST API mapping template sees (API Gateway DG "mapping template and access logging variable reference"). */
export interface TemplateInput {
  /** The payload: the request body for request templates, the function's result for response templates. */
  body: string;
  params: { path: Record<string, string>; querystring: Record<string, string>; header: Record<string, string> };
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

/** A template that cannot be parsed or rendered (the API answers 500, as API Gateway does). */
export class TemplateError extends Error {}

/** API Gateway's quota on the iterations of one `#foreach ... #end` loop (DG "Quotas for configuring and running a REST API"). */
export const MAX_FOREACH_ITERATIONS = 1000;
/**
 * Iterations of all loops of one rendering together. Nested loops each within the per-loop quota could still run for
 * seconds (1000 × 1000 × 1000); this bound keeps one request from holding the event loop.
 */
export const MAX_TOTAL_ITERATIONS = 100_000;
/** API Gateway's "Maximum mapping template size" quota, checked when a template is stored. */
export const MAX_TEMPLATE_BYTES = 300 * 1024;
/**
 * Characters a rendering may produce, counted at every block (so nested output counts once per level). Well above
 * API Gateway's 10 MB payload quota; it stops a loop that repeats a large value from exhausting memory.
 */
export const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

type Ast = NonNullable<Parameters<Compile['renderAstList']>[0]>[number];

/**
 * velocityjs with API Gateway's loop quota: a `#foreach` over more than MAX_FOREACH_ITERATIONS items, a range
 * literal (`[1..$n]`) longer than that, or more than MAX_TOTAL_ITERATIONS iterations in one rendering fail the
 * template instead of running. Ranges are checked before velocityjs builds their array.
 */
class BoundedCompile extends Compile {
  private iterations = 0;
  private output = 0;
  private evaluatingForeachSource = false;

  override render(context?: Record<string, unknown>): string {
    this.iterations = 0;
    this.output = 0;
    return super.render(context);
  }

  override renderAstList(asts?: Ast[], contextId?: string): string {
    const text = super.renderAstList(asts, contextId);
    this.output += text.length;
    if (this.output > MAX_OUTPUT_CHARS) throw new TemplateError(`the template's output exceeds ${MAX_OUTPUT_CHARS} characters`);
    return text;
  }

  protected override getBlock(block: Ast[]): string {
    const head = block[0] as { type?: string } | undefined;
    if (head?.type === 'foreach') this.evaluatingForeachSource = true;
    return super.getBlock(block);
  }

  protected override getLiteral(ast: Ast): string {
    const literal = ast as { type?: string; isRange?: boolean; value?: unknown[] };
    if (literal.type === 'array' && literal.isRange === true) this.checkRange(literal.value ?? []);
    const isSource = this.evaluatingForeachSource;
    this.evaluatingForeachSource = false;
    const value: unknown = super.getLiteral(ast);
    if (isSource) this.countIterations(value);
    return value as string;
  }

  private checkRange(ends: unknown[]): void {
    const [from, to] = ends.map((e) => (typeof e === 'string' ? parseInt(e, 10) : typeof e === 'number' ? e : Number(super.getLiteral(e as Ast))));
    if (Number.isNaN(from) || Number.isNaN(to)) return;
    if (Math.abs(to! - from!) + 1 > MAX_FOREACH_ITERATIONS) {
      throw new TemplateError(`the range [${from}..${to}] exceeds the ${MAX_FOREACH_ITERATIONS} iterations a #foreach may run`);
    }
  }

  private countIterations(source: unknown): void {
    if (typeof source !== 'object' || source === null) return;
    const n = Array.isArray(source) ? source.length : Object.keys(source).length;
    if (n > MAX_FOREACH_ITERATIONS) throw new TemplateError(`a #foreach over ${n} items exceeds the limit of ${MAX_FOREACH_ITERATIONS} iterations`);
    this.iterations += n;
    if (this.iterations > MAX_TOTAL_ITERATIONS) {
      throw new TemplateError(`the template's loops exceed ${MAX_TOTAL_ITERATIONS} iterations in all`);
    }
  }
}

type Compiled = { render(context: Record<string, unknown>): string };
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 500;

function compile(template: string): Compiled {
  let compiled = cache.get(template);
  if (!compiled) {
    try {
      compiled = new BoundedCompile(parse(template), { customMethodHandlers: JAVA_METHOD_HANDLERS });
    } catch (err) {
      throw new TemplateError(`Invalid mapping template: ${(err as Error).message}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(template, compiled);
  }
  return compiled;
}

function parsedBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `\`, quotes, control characters escaped so the text can sit inside a JSON or JavaScript string. */
function escapeJavaScript(value: unknown): string {
  return JSON.stringify(String(value ?? '')).slice(1, -1).replace(/'/g, "\\'");
}

/** java.net.URLEncoder (UTF-8): letters, digits and `.-*_` kept, space as `+`, everything else `%XX` (upper case). */
function urlEncode(value: unknown): string {
  return encodeURIComponent(String(value).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'))
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** java.net.URLDecoder (UTF-8): `+` is a space, `%XX` runs are UTF-8 bytes; a malformed escape fails. */
function urlDecode(value: unknown): string {
  const text = String(value);
  if (/%(?![0-9a-fA-F]{2})/.test(text)) throw new Error('URLDecoder: Illegal hex characters in escape (%) pattern');
  return text.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** Renders a Velocity mapping template with `$input`, `$util`, `$context` and `$stageVariables`. */
export function renderTemplate(template: string, input: TemplateInput): string {
  const compiled = compile(template);
  let json: unknown;
  let parsed = false;
  const bodyValue = () => {
    if (!parsed) {
      json = parsedBody(input.body);
      parsed = true;
    }
    return json;
  };
  const context = {
    input: {
      body: input.body,
      json: (path: string) => JSON.stringify(jsonPath(bodyValue(), path) ?? null),
      path: (path: string) => jsonPath(bodyValue(), path) ?? '',
      params: (name?: string) => {
        if (name === undefined) return input.params;
        const { path, querystring, header } = input.params;
        const lower = name.toLowerCase();
        const headerHit = Object.keys(header).find((k) => k.toLowerCase() === lower);
        return path[name] ?? querystring[name] ?? (headerHit !== undefined ? header[headerHit] : '');
      },
    },
    util: {
      escapeJavaScript,
      parseJson: (text: string) => JSON.parse(text),
      urlEncode,
      urlDecode,
      base64Encode: (s: string) => Buffer.from(String(s), 'utf8').toString('base64'),
      base64Decode: (s: string) => Buffer.from(String(s), 'base64').toString('utf8'),
    },
    context: input.context,
    stageVariables: input.stageVariables,
  };
  try {
    return compiled.render(context);
  } catch (err) {
    throw new TemplateError(`Execution failure in the mapping template: ${(err as Error).message}`);
  }
}
