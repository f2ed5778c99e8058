import { jsonPath } from './json-path.js';
import { javaMatches } from './java-regex.js';
import { renderTemplate, type TemplateInput } from './mapping-template.js';
import type { Integration, IntegrationResponse } from './rest-api.js';

/** The non-proxy (`AWS`) Lambda integration of REST APIs: request mapping, invocation type and integration responses. */

const INVOCATION_HEADER = 'integration.request.header.x-amz-invocation-type';

/** A method request parameter's value (`method.request.header.X`, `.querystring.q`, `.path.p`), else undefined. */
function methodParameter(source: string, input: TemplateInput): string | undefined {
  const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(source);
  if (!m) return undefined;
  const where = m[1] as 'header' | 'querystring' | 'path';
  const map = input.params[where];
  if (where !== 'header') return map[m[2]!];
  const lower = m[2]!.toLowerCase();
  const key = Object.keys(map).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : map[key];
}

/**
 * The `X-Amz-Invocation-Type` the integration sends Lambda: mapped from the static `'Event'` or from a method request
 * header the client sets (invocation-semantics.md §6.3); `RequestResponse` when nothing is mapped or the client sent
 * nothing. Any other text is passed on as it is, and Lambda refuses it.
 */
export function invocationType(integration: Integration, input: TemplateInput): string {
  const entry = Object.entries(integration.requestParameters ?? {}).find(([k]) => k.toLowerCase() === INVOCATION_HEADER);
  if (!entry) return 'RequestResponse';
  const value = parameterValue(entry[1], input)?.trim();
  return value === undefined || value === '' ? 'RequestResponse' : value;
}

/** A mapping source's value: a quoted literal, a method request parameter, `stageVariables.x` or `context.a.b`. */
function parameterValue(source: string, input: TemplateInput): string | undefined {
  const literal = /^'(.*)'$/s.exec(source);
  if (literal) return literal[1];
  if (source.startsWith('stageVariables.')) return input.stageVariables[source.slice('stageVariables.'.length)];
  if (source.startsWith('context.')) {
    let v: unknown = input.context;
    for (const part of source.slice('context.'.length).split('.')) v = typeof v === 'object' && v !== null && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined || v === null ? undefined : String(v);
  }
  return methodParameter(source, input);
}

export type RequestMapping = { body: string } | { unsupportedMediaType: true };

/** The request template for the request's content type, or passthrough per `passthroughBehavior`. */
export function mapRequest(integration: Integration, contentType: string | undefined, input: TemplateInput): RequestMapping {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const templates = integration.requestTemplates ?? {};
  const key = Object.keys(templates).find((k) => k.toLowerCase() === type);
  if (key !== undefined) return { body: templates[key] === '' ? input.body : renderTemplate(templates[key]!, input) };
  const none = Object.keys(templates).length === 0;
  if (integration.passthroughBehavior === 'WHEN_NO_MATCH' || (integration.passthroughBehavior === 'WHEN_NO_TEMPLATES' && none)) {
    return { body: input.body };
  }
  return { unsupportedMediaType: true };
}

/** `errorMessage` of a function error payload (`{"errorMessage": ..., "errorType": ...}`). */
function errorMessage(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '';
  } catch {
    return '';
  }
}

/** A selection pattern matching the whole message as a Java regex; a pattern that does not translate never matches. */
function patternMatches(pattern: string, message: string): boolean {
  try {
    return javaMatches(pattern, message);
  } catch {
    return false;
  }
}

/**
 * Which integration response answers: a function error's `errorMessage` is matched (whole, as Java's
 * `String.matches`, with Java's regex syntax: `.` stops at a line break unless `(?s)`) against each selection
 * pattern; a success, or an error no pattern matches, takes the default response (the one without a pattern).
 */
export function selectResponse(integration: Integration, functionError: boolean, payload: string): IntegrationResponse | undefined {
  const responses = Object.values(integration.integrationResponses ?? {});
  if (functionError) {
    const message = errorMessage(payload);
    const hit = responses.find((r) => r.selectionPattern !== undefined && r.selectionPattern !== '' && patternMatches(r.selectionPattern, message));
    if (hit) return hit;
  }
  return responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === '');
}

export interface MappedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * Applies the integration response: status, the response template for the client's first Accept type (else the JSON
 * one, else the first), and header mappings.
 */
export function mapResponse(response: IntegrationResponse, payload: string, input: TemplateInput): MappedResponse {
  const templates = response.responseTemplates ?? {};
  const acceptKey = Object.keys(input.params.header).find((k) => k.toLowerCase() === 'accept');
  const accept = acceptKey === undefined ? undefined : input.params.header[acceptKey]!.split(',')[0]!.split(';')[0]!.trim().toLowerCase();
  const keys = Object.keys(templates);
  const key = keys.find((k) => k.toLowerCase() === accept) ?? keys.find((k) => k.toLowerCase() === 'application/json') ?? keys[0];
  const template = key === undefined ? undefined : templates[key];
  const body = template === undefined || template === '' ? payload : renderTemplate(template, { ...input, body: payload });
  const headers: Array<[string, string]> = [['Content-Type', key ?? 'application/json']];
  let parsed: unknown;
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    if (!name) continue;
    const literal = /^'(.*)'$/s.exec(source);
    let value: string | undefined;
    if (literal) {
      value = literal[1];
    } else if (source.startsWith('integration.response.body')) {
      parsed ??= safeJson(payload);
      const picked = source === 'integration.response.body' ? parsed : jsonPath(parsed, `$${source.slice('integration.response.body'.length)}`);
      value = picked === undefined ? undefined : typeof picked === 'string' ? picked : JSON.stringify(picked);
    }
    if (value !== undefined) {
      const existing = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
      if (existing >= 0) headers.splice(existing, 1);
      headers.push([name, value]);
    }
  }
  return { status: Number(response.statusCode), headers, body };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
