import { parse, Compile } from 'velocityjs';
import { selectPath } from '../../events/engine/target-input.js';

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

type Compiled = { render(context: Record<string, unknown>): string };
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 500;

function compile(template: string): Compiled {
  let compiled = cache.get(template);
  if (!compiled) {
    try {
      compiled = new Compile(parse(template)) as Compiled;
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
      json: (path: string) => JSON.stringify(selectPath(bodyValue(), path) ?? null),
      path: (path: string) => selectPath(bodyValue(), path) ?? '',
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
      urlEncode: (s: string) => encodeURIComponent(String(s)),
      urlDecode: (s: string) => decodeURIComponent(String(s).replace(/\+/g, ' ')),
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
