import { PatternError, parsePattern } from '../../core/event-pattern.js';
import { Constraints } from '../../core/validation.js';
import type { EventRuleRecord } from '../../store/store.js';
import { isEnabled, type LiveRule } from '../engine/rules.js';
import { parseSchedule, ScheduleError } from '../engine/schedule.js';
import type { EventsContext } from './context.js';
import { eventsError, ruleNotFound, validation } from './errors.js';
import { busName, decodeToken, encodeToken, type Input } from './input.js';

export const NAME_PATTERN = /^[\.\-_A-Za-z0-9]+$/;
const STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;

/** `Name` (or `Rule`) checked against the model, then the rule it names on the request's bus. */
export function requireRule(ctx: EventsContext, input: Input, member: 'Name' | 'Rule'): LiveRule {
  const name = input.string(member);
  const field = member === 'Name' ? 'name' : 'rule';
  new Constraints().required(name, field).length(name, field, 1, 64).pattern(name, field, NAME_PATTERN).check();
  const bus = busName(input.string('EventBusName'), ctx);
  const rule = ctx.rules.get(ctx.account, ctx.region, bus, name!);
  if (!rule) throw ruleNotFound(name!, bus);
  return rule;
}

/** PutRule: creates or replaces the rule (omitted members become empty); targets are kept. */
export async function putRule(ctx: EventsContext, input: Input): Promise<unknown> {
  const name = input.string('Name');
  const schedule = input.string('ScheduleExpression');
  const pattern = input.string('EventPattern');
  const state = input.string('State');
  const description = input.string('Description');
  const roleArn = input.string('RoleArn');
  const tags = input.list('Tags');
  new Constraints()
    .required(name, 'name').length(name, 'name', 1, 64).pattern(name, 'name', NAME_PATTERN)
    .length(schedule, 'scheduleExpression', 0, 256).length(pattern, 'eventPattern', 0, 4096)
    .oneOf(state, 'state', STATES).length(description, 'description', 0, 512).length(roleArn, 'roleArn', 1, 1600)
    .check();
  const bus = busName(input.string('EventBusName'), ctx);
  if (!schedule && !pattern) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  if (schedule) checkSchedule(schedule);
  if (pattern) checkPattern(pattern);
  const before = ctx.rules.get(ctx.account, ctx.region, bus, name!)?.record;
  const now = ctx.clock.now();
  const record: EventRuleRecord = {
    account: ctx.account, region: ctx.region, eventBusName: bus, name: name!, state: (state as EventRuleRecord['state'] | undefined) ?? 'ENABLED',
    tags: tagsOf(tags), targets: before?.targets ?? [], createdMs: before?.createdMs ?? now, lastModifiedMs: now,
  };
  if (pattern) record.eventPattern = pattern;
  if (schedule) {
    record.scheduleExpression = schedule;
    // An unchanged schedule that stays enabled keeps counting from where it did; otherwise it starts now.
    const keeps = before?.scheduleExpression === schedule && isEnabled(before) && isEnabled(record) && before.scheduleAnchorMs !== undefined;
    record.scheduleAnchorMs = keeps ? before.scheduleAnchorMs : ctx.timeline.now();
  }
  if (description !== undefined) record.description = description;
  if (roleArn !== undefined) record.roleArn = roleArn;
  const live = await ctx.rules.put(record);
  return { RuleArn: live.arn };
}

function checkSchedule(text: string): void {
  try {
    parseSchedule(text);
  } catch (err) {
    if (err instanceof ScheduleError) throw validation('Parameter ScheduleExpression is not valid.');
    throw err;
  }
}

function checkPattern(text: string): void {
  try {
    parsePattern(text);
  } catch (err) {
    if (err instanceof PatternError) throw eventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
    throw err;
  }
}

function tagsOf(list: unknown[] | undefined): { Key: string; Value: string }[] {
  return (list ?? []).map((t) => {
    const tag = t as { Key?: unknown; Value?: unknown };
    if (typeof tag?.Key !== 'string' || typeof tag.Value !== 'string') throw validation('Each tag needs a string Key and Value.');
    return { Key: tag.Key, Value: tag.Value };
  });
}

/** The members DescribeRule and ListRules show. */
function ruleView(rule: LiveRule): Record<string, unknown> {
  const r = rule.record;
  const view: Record<string, unknown> = { Name: r.name, Arn: rule.arn };
  if (r.eventPattern !== undefined) view.EventPattern = r.eventPattern;
  if (r.scheduleExpression !== undefined) view.ScheduleExpression = r.scheduleExpression;
  view.State = r.state;
  if (r.description !== undefined) view.Description = r.description;
  if (r.roleArn !== undefined) view.RoleArn = r.roleArn;
  view.EventBusName = r.eventBusName;
  return view;
}

export async function describeRule(ctx: EventsContext, input: Input): Promise<unknown> {
  const rule = requireRule(ctx, input, 'Name');
  return { ...ruleView(rule), CreatedBy: rule.record.account };
}

export async function listRules(ctx: EventsContext, input: Input): Promise<unknown> {
  const prefix = input.string('NamePrefix');
  const limit = input.number('Limit');
  new Constraints().length(prefix, 'namePrefix', 1, 64).pattern(prefix, 'namePrefix', NAME_PATTERN).range(limit, 'limit', 1, 100).check();
  const bus = busName(input.string('EventBusName'), ctx);
  const after = decodeToken(input.string('NextToken'));
  const all = ctx.rules.list(ctx.account, ctx.region, bus)
    .filter((r) => (prefix === undefined || r.record.name.startsWith(prefix)) && (after === undefined || r.record.name > after));
  const page = all.slice(0, limit ?? 100);
  const out: Record<string, unknown> = { Rules: page.map(ruleView) };
  if (all.length > page.length) out.NextToken = encodeToken(page[page.length - 1]!.record.name);
  return out;
}

/** DeleteRule: a rule that is not there is already deleted; one with targets is refused (remove them first). */
export async function deleteRule(ctx: EventsContext, input: Input): Promise<unknown> {
  const name = input.string('Name');
  new Constraints().required(name, 'name').length(name, 'name', 1, 64).pattern(name, 'name', NAME_PATTERN).check();
  input.boolean('Force');
  const bus = busName(input.string('EventBusName'), ctx);
  const rule = ctx.rules.get(ctx.account, ctx.region, bus, name!);
  if (!rule) return {};
  if (rule.record.targets.length > 0) throw validation("Rule can't be deleted since it has targets.");
  await ctx.rules.delete(rule);
  return {};
}

/** EnableRule / DisableRule. Enabling a schedule rule starts its schedule afresh from now. */
export async function setRuleState(ctx: EventsContext, input: Input, enable: boolean): Promise<unknown> {
  const rule = requireRule(ctx, input, 'Name');
  const before = rule.record;
  if (isEnabled(before) === enable) return {};
  const record: EventRuleRecord = { ...before, state: enable ? 'ENABLED' : 'DISABLED', lastModifiedMs: ctx.clock.now() };
  if (enable && before.scheduleExpression !== undefined) record.scheduleAnchorMs = ctx.timeline.now();
  await ctx.rules.put(record);
  return {};
}
