// EventBridge delivery through real clients: PutEvents and schedules push to Lambda targets through the push gate
// (the function's resource-based policy must allow events.amazonaws.com for the rule's ARN), with AWS's event JSON,
// event patterns on the shared matcher, Input / InputPath / InputTransformer, a schedule on a scaled timeline, and
// kill -9 restarts (an acknowledged PutEvents is still delivered; a schedule does not fire twice for one time).
// Functions echo their event to an SQS queue (test/helpers/async.ts REPORTER); the tests compare what arrives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AddPermissionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  DisableRuleCommand, EnableRuleCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, type Target,
} from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLambkin, type Lambkin } from '../../src/app.js';
import { deploy } from '../helpers/functions.js';
import { capturedLogger } from '../helpers/logs.js';
import { lambdaClient, TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { ACCOUNT, createQueue, drained, fnArn, queueDepth, receiveJson, REGION, REPORTER, UUID, type Report, type TestQueue } from '../helpers/async.js';
import { spawnLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { firingRequestId } from '../../src/events/engine/scheduler.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;
const SECOND_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
/** Schedules in these tests run 120 times faster: rate(1 minute) fires every half second. */
const TIME_SCALE = 120;

interface Clients {
  lambda: LambdaClient;
  sqs: SQSClient;
  eb: EventBridgeClient;
  destroy(): void;
}

function clients(url: string): Clients {
  const lambda = lambdaClient(url);
  const sqs = new SQSClient({ endpoint: url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const eb = new EventBridgeClient({ endpoint: url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  return { lambda, sqs, eb, destroy: () => [lambda, sqs, eb].forEach((c) => c.destroy()) };
}

/** A reporter function and its queue. */
async function reporter(c: Clients): Promise<{ fn: string; out: TestQueue }> {
  const out = await createQueue(c.sqs, 'out');
  const fn = await deploy(c.lambda, { 'index.mjs': REPORTER }, { timeout: 10, environment: { OUT_NAME: out.name } });
  return { fn, out };
}

async function allowEvents(c: Clients, fn: string, sourceArn: string): Promise<void> {
  await c.lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: uniqueName('events'), Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: sourceArn,
  }));
}

async function patternRule(c: Clients, pattern: unknown, targets: Target[]): Promise<string> {
  const name = uniqueName('rule');
  await c.eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
  const out = await c.eb.send(new PutTargetsCommand({ Rule: name, Targets: targets }));
  assert.equal(out.FailedEntryCount, 0);
  return name;
}

/** `start` reports only (each run sends a start and an end report). */
async function starts(c: Clients, out: TestQueue, n: number, timeoutMs = 20_000): Promise<Report[]> {
  const reports = await receiveJson<Report>(c.sqs, out.url, 2 * n, timeoutMs, `${n} runs reported in ${out.name}`);
  return reports.filter((r) => r.phase === 'start');
}

describe('EventBridge delivery', () => {
  let app: Lambkin;
  let c: Clients;
  let dataDir: string;
  const captured = capturedLogger('warn');
  const logs = () => captured.lines;

  before(async () => {
    dataDir = tempDir();
    app = await createLambkin({ port: 0, dataDir, spareRuntimes: 1, scheduleTimeScale: TIME_SCALE }, captured.logger);
    c = clients(app.url);
  });
  after(async () => {
    c?.destroy();
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('without a permission the push is refused and logged, never run; with it the function gets AWS\'s event JSON', async () => {
    const { fn, out } = await reporter(c);
    const source = uniqueName('src');
    const name = await patternRule(c, { source: [source] }, [{ Id: 'fn', Arn: fnArn(fn) }]);
    const first = await c.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'Refused', Detail: '{"n":1}' }] }));
    assert.equal(first.FailedEntryCount, 0, 'the event itself is accepted');
    const refusal = logs().find((l) => l.source === ruleArn(name) && l.function === fnArn(fn));
    assert.ok(refusal, 'the refusal is logged by the time PutEvents answers');
    assert.equal(refusal.outcome, 'denied');
    assert.equal(refusal.service, 'events.amazonaws.com');
    assert.match(String(refusal.msg), /push refused/);
    assert.equal(await queueDepth(c.sqs, out.url), 0);
    assert.ok(await drained(app.url, fn), 'nothing was queued for the function');

    await allowEvents(c, fn, ruleArn(name));
    const time = new Date('2026-03-04T05:06:07.891Z');
    const put = await c.eb.send(new PutEventsCommand({ Entries: [{
      Source: source, DetailType: 'Order Placed', Detail: JSON.stringify({ n: 2, nested: { list: [1, 'two'] } }), Time: time,
      Resources: ['arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-b'],
    }] }));
    assert.equal(put.FailedEntryCount, 0);
    const [run, ...more] = await starts(c, out, 1);
    assert.deepEqual(more, []);
    const e = run!.event;
    assert.deepEqual(Object.keys(e).sort(), ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
    assert.equal(e.version, '0');
    assert.equal(e.id, put.Entries![0]!.EventId);
    assert.match(e.id, UUID);
    assert.equal(e['detail-type'], 'Order Placed');
    assert.equal(e.source, source);
    assert.equal(e.account, ACCOUNT);
    assert.equal(e.time, '2026-03-04T05:06:07Z', 'second precision, Z');
    assert.equal(e.region, REGION);
    assert.deepEqual(e.resources, ['arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-b']);
    assert.deepEqual(e.detail, { n: 2, nested: { list: [1, 'two'] } }, 'the refused event never ran: the first run is the second event');
    assert.equal(run!.invokedArn, fnArn(fn));

    // Without Time, time is the call's (second precision); without Resources, an empty list.
    const before = Math.floor(Date.now() / 1000) * 1000;
    await c.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'Later', Detail: '{}' }] }));
    const [later] = await starts(c, out, 1);
    assert.match(later!.event.time, SECOND_TIME);
    const t = Date.parse(later!.event.time);
    assert.ok(t >= before && t <= Date.now(), `time ${later!.event.time} is the call's`);
    assert.deepEqual(later!.event.resources, []);
    assert.deepEqual(later!.event.detail, {});
  });

  test('a permission for another rule\'s ARN does not let this rule in', async () => {
    const { fn, out } = await reporter(c);
    const source = uniqueName('src');
    const name = await patternRule(c, { source: [source] }, [{ Id: 'fn', Arn: fnArn(fn) }]);
    await allowEvents(c, fn, ruleArn(`${name}-other`));
    await c.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'x', Detail: '{"try":1}' }] }));
    const refusal = logs().find((l) => l.source === ruleArn(name) && l.function === fnArn(fn));
    assert.equal(refusal?.outcome, 'denied');
    assert.ok(await drained(app.url, fn));
    await allowEvents(c, fn, ruleArn(name));
    await c.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'x', Detail: '{"try":2}' }] }));
    const [run] = await starts(c, out, 1);
    assert.deepEqual(run!.event.detail, { try: 2 });
  });

  test('event patterns (shared matcher): only matching events reach the target; disabled rules match nothing', async () => {
    const { fn, out } = await reporter(c);
    const source = uniqueName('shop');
    const name = await patternRule(c, {
      source: [source], 'detail-type': ['Order'], detail: { amount: [{ numeric: ['>', 100] }], region: [{ prefix: 'eu-' }] },
    }, [{ Id: 'fn', Arn: fnArn(fn) }]);
    await allowEvents(c, fn, ruleArn(name));
    const entry = (detailType: string, detail: unknown) => ({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) });
    const put = await c.eb.send(new PutEventsCommand({ Entries: [
      entry('Order', { amount: 50, region: 'eu-west-1', tag: 'too small' }),
      entry('Order', { amount: 150, region: 'us-east-1', tag: 'wrong region' }),
      entry('Refund', { amount: 150, region: 'eu-west-1', tag: 'wrong type' }),
      { ...entry('Order', { amount: 150, region: 'eu-west-1', tag: 'other source' }), Source: `${source}-x` },
      entry('Order', { amount: 150, region: 'eu-west-1', tag: 'match' }),
    ] }));
    assert.equal(put.FailedEntryCount, 0);
    const [run] = await starts(c, out, 1);
    assert.equal(run!.event.detail.tag, 'match');
    assert.equal(run!.event.id, put.Entries![4]!.EventId);
    await waitFor('the backlog to drain', () => drained(app.url, fn));
    assert.equal(await queueDepth(c.sqs, out.url), 0, 'no other event was delivered');

    await c.eb.send(new DisableRuleCommand({ Name: name }));
    await c.eb.send(new PutEventsCommand({ Entries: [entry('Order', { amount: 500, region: 'eu-north-1', tag: 'disabled' })] }));
    assert.ok(await drained(app.url, fn), 'a disabled rule pushes nothing');
    await c.eb.send(new EnableRuleCommand({ Name: name }));
    await c.eb.send(new PutEventsCommand({ Entries: [entry('Order', { amount: 500, region: 'eu-north-1', tag: 'enabled again' })] }));
    const [again] = await starts(c, out, 1);
    assert.equal(again!.event.detail.tag, 'enabled again');
  });

  test('Input, InputPath and InputTransformer shape what each target receives', async () => {
    const { fn, out } = await reporter(c);
    const source = uniqueName('tx');
    const name = await patternRule(c, { source: [source] }, [
      { Id: 'whole', Arn: fnArn(fn) },
      { Id: 'fixed', Arn: fnArn(fn), Input: '{"fixed":true,"n":[1,2]}' },
      { Id: 'path', Arn: fnArn(fn), InputPath: '$.detail.order' },
      { Id: 'tx', Arn: fnArn(fn), InputTransformer: {
        InputPathsMap: { src: '$.source', amount: '$.detail.order.amount', id: '$.detail.order.id' },
        InputTemplate: '{"from": <src>, "amount": <amount>, "text": "order <id> of <amount>", "rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>}',
      } },
      { Id: 'text', Arn: fnArn(fn), InputTransformer: { InputPathsMap: { id: '$.detail.order.id' }, InputTemplate: '"order <id> is in"' } },
    ]);
    await allowEvents(c, fn, ruleArn(name));
    const put = await c.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'T', Detail: '{"order":{"id":"o-1","amount":42}}' }] }));
    const events = (await starts(c, out, 5)).map((r) => r.event);
    assert.ok(events.includes('order o-1 is in'), 'a string template gives the function a JSON string');
    const whole = events.find((e) => e && e.id === put.Entries![0]!.EventId);
    assert.ok(whole, 'the target without input gets the whole event');
    assert.deepEqual(whole.detail, { order: { id: 'o-1', amount: 42 } });
    assert.ok(events.some((e) => JSON.stringify(e) === JSON.stringify({ fixed: true, n: [1, 2] })), 'Input is sent as is');
    assert.ok(events.some((e) => JSON.stringify(e) === JSON.stringify({ id: 'o-1', amount: 42 })), 'InputPath selects');
    const tx = events.find((e) => e && e.from !== undefined);
    assert.deepEqual(tx, { from: source, amount: 42, text: 'order o-1 of 42', rule: name, arn: ruleArn(name) });
  });

  test('a schedule fires again and again with the Scheduled Event JSON; disabling stops it, PutRule re-times it', async () => {
    const { fn, out } = await reporter(c);
    const name = uniqueName('every');
    await c.eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(1 minute)' }));
    await allowEvents(c, fn, ruleArn(name));
    await c.eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fn', Arn: fnArn(fn) }] }));
    const runs = (await starts(c, out, 3)).map((r) => r.event).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (const e of runs) {
      assert.deepEqual(Object.keys(e).sort(), ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
      assert.equal(e.version, '0');
      assert.match(e.id, UUID);
      assert.equal(e['detail-type'], 'Scheduled Event');
      assert.equal(e.source, 'aws.events');
      assert.equal(e.account, ACCOUNT);
      assert.equal(e.region, REGION);
      assert.deepEqual(e.resources, [ruleArn(name)]);
      assert.deepEqual(e.detail, {});
      assert.match(e.time, SECOND_TIME);
    }
    assert.equal(new Set(runs.map((e) => e.id)).size, 3, 'a new id per firing');
    const times = runs.map((e) => Date.parse(e.time));
    assert.equal(times[1]! - times[0]!, 60_000, 'one scheduled minute apart');
    assert.equal(times[2]! - times[1]!, 60_000);

    // Disabled: once the firings already accepted have run, nothing more arrives while a control rule fires on.
    await c.eb.send(new DisableRuleCommand({ Name: name }));
    await settle(c, app.url, fn, out);
    const control = uniqueName('control');
    await c.eb.send(new PutRuleCommand({ Name: control, ScheduleExpression: 'rate(1 minute)' }));
    await allowEvents(c, fn, ruleArn(control));
    await c.eb.send(new PutTargetsCommand({ Rule: control, Targets: [{ Id: 'fn', Arn: fnArn(fn) }] }));
    const afterDisable = await gather(c, out, (runs) => runs.length >= 3);
    assert.deepEqual(afterDisable.map((r) => r.event.resources[0]), afterDisable.map(() => ruleArn(control)), 'only the control rule fired');
    await c.eb.send(new DisableRuleCommand({ Name: control }));
    await settle(c, app.url, fn, out);

    // PutRule replaces the schedule at once (and enables the rule): rate(5 minutes) fires five scheduled minutes apart.
    await c.eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(5 minutes)' }));
    const retimed = (await gather(c, out, (runs) => runs.length >= 2)).map((r) => Date.parse(r.event.time)).sort();
    assert.deepEqual(retimed.map((t) => t - retimed[0]!), [0, 5 * 60_000], 'five scheduled minutes apart');
    assert.ok(retimed[0]! > times[2]!);
    await c.eb.send(new DisableRuleCommand({ Name: name }));
  });
});

/** Waits until the function has no async event left, then empties its report queue. */
async function settle(c: Clients, url: string, fn: string, out: TestQueue): Promise<void> {
  await waitFor('the backlog to drain', () => drained(url, fn));
  const depth = await queueDepth(c.sqs, out.url);
  if (depth > 0) await receiveJson(c.sqs, out.url, depth);
}

/** Receives reports until `done` holds for the `start` reports gathered so far. */
async function gather(c: Clients, out: TestQueue, done: (runs: Report[]) => boolean, timeoutMs = 30_000): Promise<Report[]> {
  const runs: Report[] = [];
  await waitFor(`reports in ${out.name}`, async () => {
    const got = await receiveJson<Report>(c.sqs, out.url, 1, timeoutMs);
    runs.push(...got.filter((r) => r.phase === 'start'));
    return done(runs);
  }, timeoutMs, 0);
  return runs;
}

describe('EventBridge across kill -9', () => {
  let dataDir: string;
  let server: SpawnedLambkin | undefined;
  let c: Clients | undefined;
  before(() => {
    dataDir = tempDir();
  });
  after(async () => {
    c?.destroy();
    if (server) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function restart(args: string[] = []): Promise<Clients> {
    c?.destroy();
    if (server) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    server = await spawnLambkin(dataDir, args);
    c = clients(server.url);
    return c;
  }

  test('PutEvents answered 200, then kill -9 at once: after the restart the function still runs the event', async () => {
    let cl = await restart();
    const { fn, out } = await reporter(cl);
    const source = uniqueName('durable');
    const name = await patternRule(cl, { source: [source] }, [{ Id: 'fn', Arn: fnArn(fn) }]);
    await allowEvents(cl, fn, ruleArn(name));
    const put = await cl.eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'Kept', Detail: '{"survives":true}' }] }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.equal(put.FailedEntryCount, 0);
    server!.proc.kill('SIGKILL');
    await server!.exited;
    server = undefined;
    cl = await restart();
    const runs = await starts(cl, out, 1, 30_000);
    assert.equal(runs[0]!.event.id, put.Entries![0]!.EventId);
    assert.deepEqual(runs[0]!.event.detail, { survives: true });
  });

  test('a schedule does not fire twice for one scheduled time across a kill -9 and restart', async () => {
    // rate(1 minute) at 20× fires every 3 s; the restart takes well under that, so a forgotten last fire would repeat it.
    const args = ['--schedule-time-scale', '20'];
    let cl = await restart(args);
    const { fn, out } = await reporter(cl);
    const flush = await deploy(cl.lambda, { 'index.mjs': 'export const handler = async () => 1;' });
    const name = uniqueName('sched');
    await cl.eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(1 minute)' }));
    await allowEvents(cl, fn, ruleArn(name));
    await cl.eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fn', Arn: fnArn(fn) }] }));
    const before = await receiveJson<Report>(cl.sqs, out.url, 4, 30_000, 'two firings before the kill');
    // The firings' async events are finished; an accepted Event invoke commits their (deferred) removal with it,
    // so a re-run after the restart can only come from the scheduler.
    await waitFor('the backlog to drain', () => drained(server!.url, fn));
    await cl.lambda.send(new InvokeCommand({ FunctionName: flush, InvocationType: 'Event', Payload: Buffer.from('{}') }));
    server!.proc.kill('SIGKILL');
    await server!.exited;
    server = undefined;
    cl = await restart(args);
    const afterRestart = await receiveJson<Report>(cl.sqs, out.url, 4, 30_000, 'two firings after the restart');
    const timesBefore = before.filter((r) => r.phase === 'start').map((r) => r.event.time as string);
    const timesAfter = afterRestart.filter((r) => r.phase === 'start').map((r) => r.event.time as string);
    const all = [...timesBefore, ...timesAfter];
    assert.equal(new Set(all).size, all.length, `no scheduled time fired twice: ${all.join(', ')}`);
    const lastBefore = Math.max(...timesBefore.map(Date.parse));
    for (const t of timesAfter) {
      assert.ok(Date.parse(t) > lastBefore, `after the restart only later times fire (${t} vs ${new Date(lastBefore).toISOString()})`);
      assert.equal((Date.parse(t) - lastBefore) % 60_000, 0, 'on the rule\'s one-minute grid');
    }
  });
});

describe('EventBridge schedule recovery', () => {
  test('a firing accepted just before a crash (its last fire not yet recorded) is recognised at start-up, not fired again', async () => {
    const dataDir = tempDir();
    let app: Lambkin | undefined;
    let c: Clients | undefined;
    try {
      app = await createLambkin({ port: 0, dataDir, spareRuntimes: 0, logLevel: 'warn' });
      c = clients(app.url);
      const { fn, out } = await reporter(c);
      const name = uniqueName('recover');
      await c.eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(1 minute)' }));
      await allowEvents(c, fn, ruleArn(name));
      await c.eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fn', Arn: fnArn(fn) }] }));
      c.destroy();
      await app.close();
      app = undefined;

      // The state a crash between the two writes of a firing leaves: the rule's schedule started 90 s ago, so its
      // first time (30 s ago) is due; that firing's invocation is in the store, its last fire is not recorded.
      const store = openSqliteStore(dataDir, 'FULL');
      const stored = (await store.events.all()).find((s) => s.rule.name === name)!;
      assert.equal(stored.lastFireMs, undefined);
      const anchor = Date.now() - 90_000;
      await store.events.putRule({ ...stored.rule, scheduleAnchorMs: anchor });
      const due = anchor + 60_000;
      const now = Date.now();
      await store.asyncEvents.apply([{ op: 'insert', event: {
        seq: 1_000_000, account: ACCOUNT, region: REGION, functionName: fn, qualifier: '$LATEST', invokedArn: fnArn(fn),
        requestId: firingRequestId(ruleArn(name), 'fn', due), payload: JSON.stringify({ acceptedBeforeTheCrash: due }),
        enqueuedMs: now, attempts: 0, dueMs: now, backoffs: 0,
      } }]);
      await store.close();

      app = await createLambkin({ port: 0, dataDir, spareRuntimes: 0, logLevel: 'warn' });
      c = clients(app.url);
      const [run] = await starts(c, out, 1);
      assert.deepEqual(run!.event, { acceptedBeforeTheCrash: due });
      assert.equal(run!.requestId, firingRequestId(ruleArn(name), 'fn', due));
      await waitFor('the backlog to drain', () => drained(app!.url, fn));
      assert.equal(await queueDepth(c.sqs, out.url), 0, 'the due time was not fired again, and no catch-up firing was made');
    } finally {
      c?.destroy();
      await app?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a schedule anchored and last fired ahead of now (a faster time scale since turned down) fires again, not after catching up', async () => {
    const dataDir = tempDir();
    let app: Lambkin | undefined;
    let c: Clients | undefined;
    try {
      app = await createLambkin({ port: 0, dataDir, spareRuntimes: 0, logLevel: 'warn', scheduleTimeScale: 20 });
      c = clients(app.url);
      const { fn, out } = await reporter(c);
      const name = uniqueName('ahead');
      await c.eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(1 minute)', State: 'DISABLED' }));
      await allowEvents(c, fn, ruleArn(name));
      await c.eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fn', Arn: fnArn(fn) }] }));
      c.destroy();
      await app.close();
      app = undefined;

      // What a long run at a larger scale leaves: the rule's anchor and last fire ten days ahead of the timeline.
      const store = openSqliteStore(dataDir, 'FULL');
      const stored = (await store.events.all()).find((x) => x.rule.name === name)!;
      const ahead = Date.now() + 10 * 86_400_000;
      await store.events.putRule({ ...stored.rule, state: 'ENABLED', scheduleAnchorMs: ahead });
      await store.events.noteFired(stored.rule.account, stored.rule.region, stored.rule.eventBusName, name, ahead);
      await store.close();

      app = await createLambkin({ port: 0, dataDir, spareRuntimes: 0, logLevel: 'warn', scheduleTimeScale: 20 });
      c = clients(app.url);
      const [run] = await starts(c, out, 1, 20_000);
      assert.equal(run!.event['detail-type'], 'Scheduled Event');
    } finally {
      c?.destroy();
      await app?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
