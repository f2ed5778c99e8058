// The EventBridge subset's API (other-services.md §3) through the real SDK v3 EventBridgeClient: every operation,
// AWS's error codes and texts, and that a refused request changes nothing. Delivery is in events-delivery.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteRuleCommand, DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRulesCommand,
  ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, type Target,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, TEST_CREDENTIALS, uniqueName } from '../helpers/server.js';
import { ACCOUNT, REGION, UUID } from '../helpers/async.js';

type Server = Awaited<ReturnType<typeof startServer>>;

const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const PATTERN = JSON.stringify({ source: ['my.app'] });

describe('EventBridge API', () => {
  let srv: Server;
  let eb: EventBridgeClient;
  before(async () => {
    srv = await startServer({ spareRuntimes: 0 });
    eb = new EventBridgeClient({ endpoint: srv.url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    eb?.destroy();
    await srv?.close();
  });

  const describeRule = (Name: string) => eb.send(new DescribeRuleCommand({ Name }));
  const targetsOf = async (Rule: string) => (await eb.send(new ListTargetsByRuleCommand({ Rule }))).Targets ?? [];

  test('PutRule creates a pattern rule; DescribeRule shows every member; PutRule again replaces it', async () => {
    const name = uniqueName('rule');
    const out = await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, Description: 'first', RoleArn: 'arn:aws:iam::000000000000:role/r' }));
    assert.equal(out.RuleArn, ruleArn(name));
    const d = await describeRule(name);
    assert.equal(d.Name, name);
    assert.equal(d.Arn, ruleArn(name));
    assert.equal(d.EventPattern, PATTERN);
    assert.equal(d.State, 'ENABLED');
    assert.equal(d.Description, 'first');
    assert.equal(d.RoleArn, 'arn:aws:iam::000000000000:role/r');
    assert.equal(d.EventBusName, 'default');
    assert.equal(d.CreatedBy, ACCOUNT);
    assert.equal(d.ScheduleExpression, undefined);

    // Replace: omitted members become empty; the targets stay.
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't1', Arn: fnArn('f') }] }));
    await eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' }));
    const r = await describeRule(name);
    assert.equal(r.ScheduleExpression, 'rate(5 minutes)');
    assert.equal(r.EventPattern, undefined);
    assert.equal(r.Description, undefined);
    assert.equal(r.RoleArn, undefined);
    assert.equal(r.State, 'DISABLED');
    assert.deepEqual((await targetsOf(name)).map((t) => t.Id), ['t1']);
  });

  test('schedule expressions: rate() and six-field cron() accepted, others refused with AWS\'s text', async () => {
    for (const expr of ['rate(1 minute)', 'rate(2 hours)', 'rate(7 days)', 'cron(0 12 * * ? *)', 'cron(0/15 8-17 ? * MON-FRI *)', 'cron(0 10 L * ? 2030)']) {
      const name = uniqueName('sched');
      await eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: expr }));
      assert.equal((await describeRule(name)).ScheduleExpression, expr);
    }
    for (const expr of ['rate(1 minutes)', 'rate(0 minutes)', 'rate(5 seconds)', 'cron(0 12 * * *)', 'cron(0 12 * * * *)', 'every 5 minutes']) {
      const name = uniqueName('bad');
      await expectAwsError(eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: expr })), {
        name: 'ValidationException', status: 400, message: 'Parameter ScheduleExpression is not valid.',
      });
      await expectAwsError(describeRule(name), { name: 'ResourceNotFoundException', status: 400 });
    }
  });

  test('PutRule validation: pattern errors, neither pattern nor schedule, bad name, bad state, other bus; nothing changes', async () => {
    const name = uniqueName('val');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, Description: 'kept' }));
    await expectAwsError(eb.send(new PutRuleCommand({ Name: name, EventPattern: '{"source": "not-an-array"}' })), {
      name: 'InvalidEventPatternException', status: 400, message: /^Event pattern is not valid\. Reason: /,
    });
    await expectAwsError(eb.send(new PutRuleCommand({ Name: name, EventPattern: '{not json' })), {
      name: 'InvalidEventPatternException', status: 400, message: /^Event pattern is not valid\. Reason: /,
    });
    await expectAwsError(eb.send(new PutRuleCommand({ Name: name })), {
      name: 'ValidationException', status: 400, message: 'Parameter(s) EventPattern or ScheduleExpression must be specified.',
    });
    await expectAwsError(eb.send(new PutRuleCommand({ Name: 'has space', EventPattern: PATTERN })), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    });
    await expectAwsError(eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, State: 'ON' as never })), {
      name: 'ValidationException', status: 400, message: /at 'state' failed to satisfy constraint: Member must satisfy enum value set/,
    });
    await expectAwsError(eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, EventBusName: 'custom-bus' })), {
      name: 'ResourceNotFoundException', status: 400, message: 'Event bus custom-bus does not exist.',
    });
    const d = await describeRule(name);
    assert.equal(d.EventPattern, PATTERN);
    assert.equal(d.Description, 'kept');
    // The default bus by name and by ARN is served.
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN, EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` }));
    assert.equal((await eb.send(new DescribeRuleCommand({ Name: name, EventBusName: 'default' }))).Name, name);
  });

  test('DescribeRule / EnableRule / DisableRule / ListTargetsByRule of a missing rule: ResourceNotFoundException with AWS\'s text', async () => {
    const message = 'Rule nope-rule does not exist on EventBus default.';
    await expectAwsError(describeRule('nope-rule'), { name: 'ResourceNotFoundException', status: 400, message });
    await expectAwsError(eb.send(new EnableRuleCommand({ Name: 'nope-rule' })), { name: 'ResourceNotFoundException', status: 400, message });
    await expectAwsError(eb.send(new DisableRuleCommand({ Name: 'nope-rule' })), { name: 'ResourceNotFoundException', status: 400, message });
    await expectAwsError(eb.send(new ListTargetsByRuleCommand({ Rule: 'nope-rule' })), { name: 'ResourceNotFoundException', status: 400, message });
    await expectAwsError(eb.send(new PutTargetsCommand({ Rule: 'nope-rule', Targets: [{ Id: 'a', Arn: fnArn('f') }] })), {
      name: 'ResourceNotFoundException', status: 400, message,
    });
    await expectAwsError(eb.send(new RemoveTargetsCommand({ Rule: 'nope-rule', Ids: ['a'] })), { name: 'ResourceNotFoundException', status: 400, message });
  });

  test('EnableRule and DisableRule switch State', async () => {
    const name = uniqueName('state');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN }));
    await eb.send(new DisableRuleCommand({ Name: name }));
    assert.equal((await describeRule(name)).State, 'DISABLED');
    await eb.send(new DisableRuleCommand({ Name: name }));
    assert.equal((await describeRule(name)).State, 'DISABLED');
    await eb.send(new EnableRuleCommand({ Name: name }));
    assert.equal((await describeRule(name)).State, 'ENABLED');
  });

  test('ListRules: NamePrefix, Limit and NextToken page through the rules in name order', async () => {
    const prefix = uniqueName('list');
    const names = ['c', 'a', 'e', 'b', 'd'].map((s) => `${prefix}-${s}`);
    for (const n of names) await eb.send(new PutRuleCommand({ Name: n, EventPattern: PATTERN }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await eb.send(new ListRulesCommand({ NamePrefix: prefix, Limit: 2, NextToken: token }));
      assert.ok(out.Rules!.length <= 2);
      for (const r of out.Rules!) {
        assert.equal(r.Arn, ruleArn(r.Name!));
        assert.equal(r.EventPattern, PATTERN);
        assert.equal(r.State, 'ENABLED');
        assert.equal(r.EventBusName, 'default');
      }
      seen.push(...out.Rules!.map((r) => r.Name!));
      token = out.NextToken;
      pages++;
    } while (token);
    assert.deepEqual(seen, [...names].sort());
    assert.equal(pages, 3);
    const all = await eb.send(new ListRulesCommand({ NamePrefix: prefix }));
    assert.equal(all.Rules!.length, 5);
    assert.equal(all.NextToken, undefined);
    await expectAwsError(eb.send(new ListRulesCommand({ Limit: 0 })), { name: 'ValidationException', status: 400, message: /at 'limit'/ });
    await expectAwsError(eb.send(new ListRulesCommand({ NextToken: 'garbage' })), { name: 'ValidationException', status: 400 });
  });

  test('PutTargets adds and replaces by Id, keeps Input / InputPath / InputTransformer; ListTargetsByRule pages; RemoveTargets', async () => {
    const name = uniqueName('tg');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN }));
    const targets: Target[] = [
      { Id: 'plain', Arn: fnArn('a') },
      { Id: 'fixed', Arn: fnArn('b'), Input: '{"k":1}' },
      { Id: 'path', Arn: fnArn('c'), InputPath: '$.detail' },
      { Id: 'tx', Arn: `${fnArn('d')}:live`, InputTransformer: { InputPathsMap: { s: '$.source' }, InputTemplate: '{"src": <s>}' } },
    ];
    const out = await eb.send(new PutTargetsCommand({ Rule: name, Targets: targets }));
    assert.equal(out.FailedEntryCount, 0);
    assert.deepEqual(out.FailedEntries, []);
    assert.deepEqual(await targetsOf(name), targets);
    // Same Id → replaced in place.
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fixed', Arn: fnArn('b'), Input: '{"k":2}' }] }));
    assert.equal((await targetsOf(name)).find((t) => t.Id === 'fixed')!.Input, '{"k":2}');
    assert.equal((await targetsOf(name)).length, 4);
    const page1 = await eb.send(new ListTargetsByRuleCommand({ Rule: name, Limit: 3 }));
    assert.equal(page1.Targets!.length, 3);
    assert.ok(page1.NextToken);
    const page2 = await eb.send(new ListTargetsByRuleCommand({ Rule: name, Limit: 3, NextToken: page1.NextToken }));
    assert.deepEqual(page2.Targets!.map((t) => t.Id), ['tx']);
    assert.equal(page2.NextToken, undefined);
    const removed = await eb.send(new RemoveTargetsCommand({ Rule: name, Ids: ['plain', 'tx'] }));
    assert.equal(removed.FailedEntryCount, 0);
    assert.deepEqual((await targetsOf(name)).map((t) => t.Id), ['fixed', 'path']);
  });

  test('PutTargets limits and validation: more than 5 per rule → LimitExceededException; bad entries; nothing changes', async () => {
    const name = uniqueName('lim');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN }));
    const five = [1, 2, 3, 4, 5].map((i) => ({ Id: `t${i}`, Arn: fnArn(`f${i}`) }));
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: five }));
    await expectAwsError(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't6', Arn: fnArn('f6') }] })), {
      name: 'LimitExceededException', status: 400, message: 'The requested resource exceeds the maximum number allowed.',
    });
    // Replacing one of the five is fine.
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't5', Arn: fnArn('f55') }] }));
    assert.deepEqual((await targetsOf(name)).map((t) => t.Arn), ['f1', 'f2', 'f3', 'f4', 'f55'].map(fnArn));

    const other = uniqueName('lim');
    await eb.send(new PutRuleCommand({ Name: other, EventPattern: PATTERN }));
    const refused: Array<[Target[], RegExp | string]> = [
      [[{ Id: 'x', Arn: fnArn('a'), Input: '{"a":1}', InputPath: '$.detail' }], 'Only one of Input, InputPath, or InputTransformer must be provided.'],
      [[{ Id: 'x', Arn: fnArn('a'), Input: '{not json' }], /^Parameter Input is not valid/],
      [[{ Id: 'x', Arn: fnArn('a'), InputPath: 'detail' }], /^Parameter InputPath is not valid/],
      [[{ Id: 'x', Arn: 'not-an-arn' }], 'Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.'],
      [[{ Id: 'bad id', Arn: fnArn('a') }], /at 'targets\.1\.member\.id' failed to satisfy constraint/],
      [[{ Id: 'ok', Arn: fnArn('a') }, { Id: 'y', Arn: fnArn('b'), InputTransformer: { InputTemplate: '' } }], /inputTransformer\.inputTemplate/],
    ];
    for (const [targets, message] of refused) {
      await expectAwsError(eb.send(new PutTargetsCommand({ Rule: other, Targets: targets })), { name: 'ValidationException', status: 400, message });
    }
    assert.deepEqual(await targetsOf(other), [], 'refused requests add nothing');

    // A target that is not a Lambda function is refused per entry; the other entries are applied.
    const mixed = await eb.send(new PutTargetsCommand({ Rule: other, Targets: [
      { Id: 'fn', Arn: fnArn('a') }, { Id: 'queue', Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q` },
    ] }));
    assert.equal(mixed.FailedEntryCount, 1);
    assert.equal(mixed.FailedEntries![0]!.TargetId, 'queue');
    assert.equal(mixed.FailedEntries![0]!.ErrorCode, 'ValidationException');
    assert.deepEqual((await targetsOf(other)).map((t) => t.Id), ['fn']);
  });

  test('DeleteRule: refused while targets exist (rule unchanged), then deleted; deleting again succeeds', async () => {
    const name = uniqueName('del');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: PATTERN }));
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't', Arn: fnArn('f') }] }));
    await expectAwsError(eb.send(new DeleteRuleCommand({ Name: name })), {
      name: 'ValidationException', status: 400, message: "Rule can't be deleted since it has targets.",
    });
    assert.equal((await describeRule(name)).Name, name);
    assert.equal((await targetsOf(name)).length, 1);
    await eb.send(new RemoveTargetsCommand({ Rule: name, Ids: ['t'] }));
    await eb.send(new DeleteRuleCommand({ Name: name }));
    await expectAwsError(describeRule(name), { name: 'ResourceNotFoundException', status: 400 });
    await eb.send(new DeleteRuleCommand({ Name: name }));
    assert.ok(!(await eb.send(new ListRulesCommand({ NamePrefix: name }))).Rules!.length);
  });

  test('PutEvents: an EventId per good entry, per-entry failures in request order, 1–10 entries, size limit', async () => {
    const out = await eb.send(new PutEventsCommand({ Entries: [
      { Source: 'nobody.listens', DetailType: 'ok', Detail: '{"a":1}' },
      { DetailType: 'x', Detail: '{}' },
      { Source: 'nobody.listens', Detail: '{}' },
      { Source: 'nobody.listens', DetailType: 'x' },
      { Source: 'nobody.listens', DetailType: 'x', Detail: '[1,2]' },
      { Source: 'nobody.listens', DetailType: 'x', Detail: 'not json' },
      { Source: 'nobody.listens', DetailType: 'x', Detail: '{}', EventBusName: 'other-bus' },
      { Source: 'nobody.listens', DetailType: 'ok', Detail: '{}', Time: new Date('2026-01-02T03:04:05Z'), Resources: ['arn:aws:s3:::b'] },
    ] }));
    assert.equal(out.FailedEntryCount, 6);
    const e = out.Entries!;
    assert.equal(e.length, 8);
    assert.match(e[0]!.EventId!, UUID);
    assert.deepEqual(e[1], { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' });
    assert.deepEqual(e[2], { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' });
    assert.deepEqual(e[3], { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    assert.deepEqual(e[4], { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    assert.deepEqual(e[5], { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    assert.equal(e[6]!.ErrorCode, 'ResourceNotFoundException');
    assert.match(e[7]!.EventId!, UUID);
    assert.notEqual(e[0]!.EventId, e[7]!.EventId);

    await expectAwsError(eb.send(new PutEventsCommand({ Entries: [] })), { name: 'ValidationException', status: 400, message: /at 'entries'/ });
    const eleven = Array.from({ length: 11 }, () => ({ Source: 'nobody.listens', DetailType: 'x', Detail: '{}' }));
    await expectAwsError(eb.send(new PutEventsCommand({ Entries: eleven })), {
      name: 'ValidationException', status: 400, message: /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10/,
    });
    const big = JSON.stringify({ pad: 'x'.repeat(130 * 1024) });
    await expectAwsError(eb.send(new PutEventsCommand({ Entries: [
      { Source: 'nobody.listens', DetailType: 'x', Detail: big }, { Source: 'nobody.listens', DetailType: 'x', Detail: big },
    ] })), { name: 'ValidationException', status: 400, message: 'Total size of the entries in the request is over the limit.' });
  });

  test('the wire: json 1.1 content type, errors as {"__type","message"}, unsigned X-Amz-Target requests, unknown operations', async () => {
    const post = (target: string, body: unknown) => fetch(srv.url, {
      method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body: JSON.stringify(body),
    });
    const ok = await post('AWSEvents.ListRules', { NamePrefix: 'no-such-prefix-at-all' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.deepEqual(await ok.json(), { Rules: [] });
    const missing = await post('AWSEvents.DescribeRule', { Name: 'nope-rule' });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { __type: 'ResourceNotFoundException', message: 'Rule nope-rule does not exist on EventBus default.' });
    const unknown = await post('AWSEvents.CreateEventBus', { Name: 'x' });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { __type: string }).__type, 'UnknownOperationException');
  });
});
