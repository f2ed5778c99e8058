/**
 * What a rule target receives (EventBridge UG "Transforming target input"): the whole event, a fixed `Input` (JSON
 * text), the part `InputPath` selects, or an `InputTransformer` template filled from `InputPathsMap`.
 */
export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export class InputPathError extends Error {}

/** The rule and event facts the predefined `<aws.events.*>` variables name. */
export interface InputContext {
  ruleArn: string;
  ruleName: string;
  ingestionTimeMs: number;
}

/** The payload text for one target. */
export function targetPayload(event: Record<string, unknown>, target: TargetInput, ctx: InputContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(selectPath(event, target.InputPath) ?? null);
  if (target.InputTransformer) return transform(event, target.InputTransformer, ctx);
  return JSON.stringify(event);
}

/** `$`, `$.a.b`, `$.a[0].b`, `$['a b']`: the JSONPath subset EventBridge paths use; undefined when absent. */
export function selectPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new InputPathError(`a path starts with $: ${path}`);
  const steps = /^\$((\.[^.[\]]+|\[\d+\]|\['[^']*'\])*)$/.exec(path);
  if (!steps) throw new InputPathError(`unsupported path: ${path}`);
  let current = value;
  for (const m of steps[1]!.matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = m[1] ?? m[3];
    current = key !== undefined ? (current as Record<string, unknown>)[key] : (current as unknown[])[Number(m[2])];
  }
  return current;
}

/**
 * Fills `<name>` placeholders. In a JSON template a placeholder inside quotes takes the value's text (strings
 * unquoted, others as JSON); one outside quotes takes the value as JSON. A plain-text template takes text.
 */
function transform(event: Record<string, unknown>, t: { InputPathsMap?: Record<string, string>; InputTemplate: string }, ctx: InputContext): string {
  const vars = new Map<string, unknown>();
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) vars.set(name, selectPath(event, path));
  vars.set('aws.events.rule-arn', ctx.ruleArn);
  vars.set('aws.events.rule-name', ctx.ruleName);
  vars.set('aws.events.event.ingestion-time', new Date(ctx.ingestionTimeMs).toISOString());
  vars.set('aws.events.event', event);
  vars.set('aws.events.event.json', event);
  let inString = false;
  let out = '';
  const template = t.InputTemplate;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    const m = c === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (m && vars.has(m[1]!)) {
      out += placeholderText(vars.get(m[1]!), inString);
      i += m[0].length - 1;
      continue;
    }
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    out += c;
  }
  return out;
}

function placeholderText(value: unknown, inString: boolean): string {
  if (value === undefined) return inString ? '' : 'null';
  if (inString) return typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value).replace(/"/g, '\\"');
  return JSON.stringify(value);
}
