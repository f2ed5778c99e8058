import { parseFunctionName } from '../../core/arn.js';
import { Constraints } from '../../core/validation.js';
import type { EventTargetRecord } from '../../store/store.js';
import { InputPathError, selectPath, transformerProblem } from '../engine/target-input.js';
import type { EventsContext } from './context.js';
import { eventsError, validation } from './errors.js';
import { decodeToken, encodeToken, inputs, type Input } from './input.js';
import { NAME_PATTERN, requireRule } from './rules.js';

/** EventBridge quota "Targets per rule" (EventBridge UG, "Amazon EventBridge quotas"). */
export const MAX_TARGETS_PER_RULE = 5;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;

interface FailedEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

/** One `Targets` item, checked against the model (whole-request errors) and read into a record. */
function readTarget(item: Input, i: number, c: Constraints): EventTargetRecord {
  const at = (m: string) => `targets.${i + 1}.member.${m}`;
  const id = item.string('Id');
  const arn = item.string('Arn');
  const input = item.string('Input');
  const inputPath = item.string('InputPath');
  const roleArn = item.string('RoleArn');
  const transformer = item.object('InputTransformer');
  c.required(id, at('id')).length(id, at('id'), 1, 64).pattern(id, at('id'), NAME_PATTERN)
    .required(arn, at('arn')).length(arn, at('arn'), 1, 1600)
    .length(input, at('input'), 0, 8192).length(inputPath, at('inputPath'), 0, 256).length(roleArn, at('roleArn'), 1, 1600);
  const target: EventTargetRecord = { Id: id ?? '', Arn: arn ?? '' };
  if (roleArn !== undefined) target.RoleArn = roleArn;
  if (input !== undefined) target.Input = input;
  if (inputPath !== undefined) target.InputPath = inputPath;
  if (transformer) {
    const template = transformer.InputTemplate;
    const paths = transformer.InputPathsMap;
    if (typeof template !== 'string') c.required(undefined, at('inputTransformer.inputTemplate'));
    else c.length(template, at('inputTransformer.inputTemplate'), 1, 8192);
    target.InputTransformer = { InputTemplate: typeof template === 'string' ? template : '' };
    if (paths !== undefined) target.InputTransformer.InputPathsMap = paths as Record<string, string>;
  }
  const retry = item.object('RetryPolicy');
  if (retry) target.RetryPolicy = retry as EventTargetRecord['RetryPolicy'] & object;
  const dlq = item.object('DeadLetterConfig');
  if (dlq) target.DeadLetterConfig = dlq as { Arn?: string };
  return target;
}

/** Checks that need the whole target: well-formed ARN, one kind of input, valid JSON and paths. */
function checkTarget(t: EventTargetRecord): void {
  if (!ARN.test(t.Arn)) throw validation(`Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`);
  const kinds = [t.Input, t.InputPath, t.InputTransformer].filter((v) => v !== undefined).length;
  if (kinds > 1) throw validation('Only one of Input, InputPath, or InputTransformer must be provided.');
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      throw validation(`Parameter Input is not valid. Reason: ${t.Input} is not valid JSON text.`);
    }
  }
  if (t.InputTransformer) {
    const paths: unknown = t.InputTransformer.InputPathsMap;
    if (paths !== undefined && (paths === null || typeof paths !== 'object' || Array.isArray(paths))) {
      throw validation('Parameter InputPathsMap is not valid. Reason: InputPathsMap must be a map of names to JSON paths.');
    }
    const problem = transformerProblem(t.InputTransformer);
    if (problem !== undefined) throw validation(`Parameter InputTransformer is not valid. Reason: ${problem}`);
  }
  for (const [name, path] of Object.entries({ InputPath: t.InputPath, ...t.InputTransformer?.InputPathsMap })) {
    if (path === undefined) continue;
    try {
      if (typeof path !== 'string') throw new InputPathError('not a string');
      selectPath({}, path);
    } catch (err) {
      if (err instanceof InputPathError) throw validation(`Parameter ${name} is not valid. Reason: ${path} is not a valid JSONPath.`);
      throw err;
    }
  }
}

/** What a target cannot be in lambkin, reported per entry: only Lambda function targets are delivered to. */
function entryFailure(t: EventTargetRecord): FailedEntry | undefined {
  const fn = parseFunctionName(t.Arn);
  if (t.Arn.startsWith('arn:') && fn?.account !== undefined && fn.region !== undefined) return undefined;
  const reason = `Target ${t.Arn} is not supported: only Lambda function targets are delivered to.`;
  return { TargetId: t.Id, ErrorCode: 'ValidationException', ErrorMessage: reason };
}

/** PutTargets: adds or replaces targets by Id; checks everything first, so a refused request changes nothing. */
export async function putTargets(ctx: EventsContext, input: Input): Promise<unknown> {
  const ruleName = input.string('Rule');
  const list = input.list('Targets');
  const c = new Constraints().required(list, 'targets').count(list, 'targets', 1, 100);
  const items = inputs(list, 'Targets');
  const targets = items.map((item, i) => readTarget(item, i, c));
  c.required(ruleName, 'rule').length(ruleName, 'rule', 1, 64).pattern(ruleName, 'rule', NAME_PATTERN).check();
  const rule = requireRule(ctx, input, 'Rule');
  targets.forEach(checkTarget);
  const failed: FailedEntry[] = [];
  const merged = [...rule.record.targets];
  for (const t of targets) {
    const failure = entryFailure(t);
    if (failure) {
      failed.push(failure);
      continue;
    }
    const at = merged.findIndex((m) => m.Id === t.Id);
    if (at >= 0) merged[at] = t;
    else merged.push(t);
  }
  if (merged.length > MAX_TARGETS_PER_RULE) throw eventsError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
  if (failed.length < targets.length) await ctx.rules.put({ ...rule.record, targets: merged, lastModifiedMs: ctx.clock.now() });
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

/** RemoveTargets: ids the rule does not have are ignored. */
export async function removeTargets(ctx: EventsContext, input: Input): Promise<unknown> {
  const ids = input.list('Ids');
  new Constraints().required(ids, 'ids').count(ids, 'ids', 1, 100).check();
  if (!ids!.every((id) => typeof id === 'string' && NAME_PATTERN.test(id) && id.length <= 64)) {
    throw validation('Parameter Ids is not valid. Reason: every id must match [\\.\\-_A-Za-z0-9]+ and be 1 to 64 characters long.');
  }
  input.boolean('Force');
  const rule = requireRule(ctx, input, 'Rule');
  const remove = new Set(ids as string[]);
  const kept = rule.record.targets.filter((t) => !remove.has(t.Id));
  if (kept.length !== rule.record.targets.length) await ctx.rules.put({ ...rule.record, targets: kept, lastModifiedMs: ctx.clock.now() });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function listTargetsByRule(ctx: EventsContext, input: Input): Promise<unknown> {
  const limit = input.number('Limit');
  new Constraints().range(limit, 'limit', 1, 100).check();
  const rule = requireRule(ctx, input, 'Rule');
  const after = decodeToken(input.string('NextToken'));
  const all = rule.record.targets;
  const start = after === undefined ? 0 : all.findIndex((t) => t.Id === after) + 1;
  const page = all.slice(start, start + (limit ?? 100));
  const out: Record<string, unknown> = { Targets: page };
  if (start + page.length < all.length) out.NextToken = encodeToken(page[page.length - 1]!.Id);
  return out;
}
