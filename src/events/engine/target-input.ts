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
    // Own members only: `$.detail.constructor` names a field of the event, never Object.prototype's.
    const step = key !== undefined ? key : Number(m[2]);
    // A name on an array (`$.resources.length`) is not a JSON member either.
    const member = typeof step === 'number' ? Array.isArray(current) : !Array.isArray(current);
    current = member && Object.hasOwn(current, step) ? (current as Record<string | number, unknown>)[step] : undefined;
  }
  return current;
}

/**
 * Fills `<name>` placeholders. In a JSON template a placeholder inside quotes takes the value's text (strings
 * unquoted, others as JSON); one outside quotes takes the value as JSON. A plain-text template takes text.
 */
function transform(event: Record<string, unknown>, t: { InputPathsMap?: Record<string, string>; InputTemplate: string }, ctx: InputContext): string {
  const vars = new Map<string, unknown>();
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) {
    if (!name.startsWith('aws.events.')) vars.set(name, selectPath(event, path));
  }
  vars.set('aws.events.rule-arn', ctx.ruleArn);
  vars.set('aws.events.rule-name', ctx.ruleName);
  vars.set('aws.events.event.ingestion-time', new Date(ctx.ingestionTimeMs).toISOString());
  // `<aws.events.event>` is the original event without its detail; `<aws.events.event.json>` the whole event.
  const { detail: _detail, ...withoutDetail } = event;
  vars.set('aws.events.event', withoutDetail);
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

/** The variables EventBridge defines itself; InputPathsMap may not name them (EventBridge UG "Predefined variables"). */
export const PREDEFINED_VARIABLES: ReadonlySet<string> = new Set([
  'aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json',
]);

/** At most 100 variables per InputTransformer (EventBridge UG "Amazon EventBridge input transformation"). */
export const MAX_INPUT_PATHS = 100;

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/**
 * Why an InputTransformer cannot be used, or undefined: a reserved name in InputPathsMap, too many variables, a
 * placeholder nothing defines, or (in a JSON template) a placeholder used as an object key.
 */
export function transformerProblem(t: { InputPathsMap?: Record<string, string>; InputTemplate: string }): string | undefined {
  const names = Object.keys(t.InputPathsMap ?? {});
  if (names.length > MAX_INPUT_PATHS) return `InputPathsMap has ${names.length} entries; at most ${MAX_INPUT_PATHS} are allowed.`;
  const reserved = names.find((n) => n.startsWith('aws.events.'));
  if (reserved !== undefined) return `InputPathsMap key ${reserved} is reserved: names starting with aws.events. are predefined variables.`;
  for (const m of t.InputTemplate.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!PREDEFINED_VARIABLES.has(name) && !names.includes(name)) return `InputTemplate placeholder <${name}> is not defined in InputPathsMap.`;
  }
  const text = t.InputTemplate.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    const key = /"[^"\\]*<([A-Za-z0-9_.-]+)>[^"\\]*"\s*:|<([A-Za-z0-9_.-]+)>\s*:/.exec(text);
    if (key) return `InputTemplate uses placeholder <${key[1] ?? key[2]}> as an object key; placeholders may only be values.`;
  }
  return undefined;
}
