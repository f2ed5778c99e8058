// PutEvents checks every entry before it puts any on the bus (a Detail nested too deep is MalformedDetail, a Time
// outside years 0001–9999 is InvalidArgument), so one bad entry never fails the request after the others were
// delivered; PutTargets refuses InputTransformers EventBridge refuses; over-long lists are shown, not `[object Object]`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ACCOUNT, createQueue, drained, queueDepth, receiveJson, REGION, REPORTER, type Report } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy } from '../helpers/functions.js';
import { startServer, TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { sqsClient } from '../helpers/sqs.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let eb: EventBridgeClient;
let sqs: SQSClient;
const dataDir = tempDir();
before(async () => {
  srv = await startServer({ spareRuntimes: 1, dataDir });
  eb = new EventBridgeClient({ endpoint: srv.url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  sqs = sqsClient(srv.url);
});
after(async () => {
  eb?.destroy();
  sqs?.destroy();
  await srv?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;

/** PutEvents as raw json 1.1, so entries can carry what the SDK would refuse to send (a Time no Date can hold). */
async function putEvents(entries: unknown[]): Promise<{ status: number; body: any }> {
  const res = await fetch(srv.url, {
    method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSEvents.PutEvents' }, body: JSON.stringify({ Entries: entries }),
  });
  return { status: res.status, body: await res.json() };
}

describe('PutEvents', () => {
  test('entries with a too-deep Detail or an impossible Time fail alone; the others are delivered once', async () => {
    const out = await createQueue(sqs, 'out');
    const fn = await deploy(srv.lambda, { 'index.mjs': REPORTER }, { timeout: 10, environment: { OUT_NAME: out.name } });
    const rule = uniqueName('rule');
    const source = uniqueName('src');
    await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [source] }) }));
    await srv.lambda.send(new AddPermissionCommand({
      FunctionName: fn, StatementId: 'events', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: ruleArn(rule),
    }));
    await eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 't', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}` }] }));
    const deep = `${'{"a":'.repeat(1001)}1${'}'.repeat(1001)}`;
    const entry = (extra: Record<string, unknown>) => ({ Source: source, DetailType: 't', Detail: '{"ok":true}', ...extra });
    const r = await putEvents([
      entry({ Detail: deep }), entry({ Time: -1e15 }), entry({ Time: 99999999999999 }), entry({ Time: 1e300 }), entry({ Detail: '{"n":1}' }),
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.FailedEntryCount, 4);
    assert.deepEqual(r.body.Entries.slice(0, 4).map((e: any) => e.ErrorCode), ['MalformedDetail', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument']);
    assert.equal(r.body.Entries[1].ErrorMessage, 'Parameter Time is not valid. Reason: Time must be a timestamp between the years 0001 and 9999.');
    assert.ok(r.body.Entries[4].EventId);
    const reports = (await receiveJson<Report>(sqs, out.url, 2, 30_000)).filter((x) => x.phase === 'start');
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]!.event.detail, { n: 1 });
    await waitFor('the function drained', () => drained(srv.url, fn), 15_000);
    assert.equal(await queueDepth(sqs, out.url), 0);
    // The edges of the range are times.
    const edges = await putEvents([entry({ Time: -62135596800, Detail: '{"edge":1}' }), entry({ Time: 253402300799, Detail: '{"edge":2}' })]);
    assert.equal(edges.body.FailedEntryCount, 0);
    const times = (await receiveJson<Report>(sqs, out.url, 4, 30_000)).filter((x) => x.phase === 'start').map((x) => x.event.time).sort();
    assert.deepEqual(times, ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z']);
  });

  test('more than 10 entries: the list shown as JSON, not [object Object]', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ Source: 's', DetailType: 't', Detail: `{"i":${i}}` }));
    const r = await putEvents(entries);
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'ValidationException');
    assert.doesNotMatch(r.body.message, /object Object/);
    assert.match(r.body.message, /^1 validation error detected: Value '\[\{"Source":"s","DetailType":"t","Detail":"\{\\"i\\":0\}"\}, /);
    assert.match(r.body.message, /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/);
  });
});

describe('the wire', () => {
  test('X-Amz-Target names that are JavaScript object members are unknown operations', async () => {
    for (const op of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const res = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSEvents.${op}` }, body: '{}' });
      assert.equal(res.status, 400, op);
      assert.equal(((await res.json()) as { __type: string }).__type, 'UnknownOperationException', op);
    }
  });
});

describe('PutTargets InputTransformer', () => {
  test('reserved names, over 100 variables, undefined placeholders and placeholders as keys are refused; nothing is added', async () => {
    const rule = uniqueName('rule');
    await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ['x'] }) }));
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`;
    const put = (InputPathsMap: Record<string, string> | undefined, InputTemplate: string) =>
      eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 't', Arn: arn, InputTransformer: { InputPathsMap, InputTemplate } }] }));
    const refused = (message: string) => ({ name: 'ValidationException', status: 400, message: `Parameter InputTransformer is not valid. Reason: ${message}` });
    await expectAwsError(put({ 'aws.events.rule-name': '$.id' }, '"<aws.events.rule-name>"'),
      refused('InputPathsMap key aws.events.rule-name is reserved: names starting with aws.events. are predefined variables.'));
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']));
    await expectAwsError(put(many, '"x"'), refused('InputPathsMap has 101 entries; at most 100 are allowed.'));
    await expectAwsError(put({ id: '$.id' }, '{"a": <other>}'), refused('InputTemplate placeholder <other> is not defined in InputPathsMap.'));
    await expectAwsError(put({ id: '$.id' }, '{"<id>": 1}'), refused('InputTemplate uses placeholder <id> as an object key; placeholders may only be values.'));
    assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets, []);
    const ok = await put({ id: '$.id' }, '{"a": <id>, "e": <aws.events.event>}');
    assert.equal(ok.FailedEntryCount, 0);
  });
});
