// SNS delivery (event-sources.md §4.2, invocation-semantics.md §8): a publish becomes an async invoke of each
// `lambda` subscription's function, only if the function's resource-based policy lets sns.amazonaws.com in for that
// topic (refused and logged otherwise, never run), with AWS's SNS event record; `sqs` subscriptions get the JSON
// envelope or, with RawMessageDelivery, the message itself; filter policies on attributes or on the body; batches;
// and every delivery accepted before Publish answers, so a kill -9 right after loses nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateTopicCommand, PublishBatchCommand, PublishCommand, SubscribeCommand, type MessageAttributeValue, type SNSClient,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createLambkin, type Lambkin } from '../../src/app.js';
import {
  ACCOUNT, backlogOf, createQueue, drained, fnArn, ISO_MS, queueDepth, receive, receiveJson, REPORTER, type Report, type TestQueue,
} from '../helpers/async.js';
import { deploy } from '../helpers/functions.js';
import { capturedLogger } from '../helpers/logs.js';
import { lambdaClient, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { snsClient } from '../helpers/sns.js';
import { sqsClient } from '../helpers/sqs.js';
import { killAllSpawned, spawnLambkin, stopLambkin } from '../helpers/spawned-lambkin.js';

/** Every warn+ line lambkin logs, parsed. */
const { logger, lines: logs } = capturedLogger('warn');
let app: Lambkin;
let lambda: LambdaClient;
let sns: SNSClient;
let sqs: SQSClient;
const dataDir = tempDir();

before(async () => {
  app = await createLambkin({ port: 0, dataDir, logLevel: 'warn', spareRuntimes: 1 }, logger);
  lambda = lambdaClient(app.url);
  sns = snsClient(app.url);
  sqs = sqsClient(app.url);
});
after(async () => {
  lambda?.destroy();
  sns?.destroy();
  sqs?.destroy();
  await app?.close();
  await killAllSpawned();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function newTopic(client = sns): Promise<string> {
  return (await client.send(new CreateTopicCommand({ Name: uniqueName('topic') }))).TopicArn!;
}

/** A function that echoes each event it receives to its own queue (test/helpers/async.ts REPORTER). */
async function reporter(client = lambda, queues = sqs): Promise<{ fn: string; out: TestQueue }> {
  const out = await createQueue(queues, 'out');
  const fn = await deploy(client, { 'index.mjs': REPORTER }, { environment: { OUT_NAME: out.name } });
  return { fn, out };
}

function allowSns(fn: string, sourceArn: string, client = lambda, sourceAccount?: string) {
  return client.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: sourceArn,
    SourceAccount: sourceAccount,
  }));
}

async function subscribe(topic: string, protocol: 'lambda' | 'sqs', endpoint: string, attributes?: Record<string, string>, client = sns) {
  return (await client.send(new SubscribeCommand({ TopicArn: topic, Protocol: protocol, Endpoint: endpoint, Attributes: attributes }))).SubscriptionArn!;
}

/** The events of `n` runs, by the SNS MessageId they carry. */
async function eventsOf(out: TestQueue, n: number, queues = sqs): Promise<Map<string, any>> {
  const reports = (await receiveJson<Report>(queues, out.url, 2 * n, 30_000, `${n} runs reported`)).filter((r) => r.phase === 'start');
  assert.equal(reports.length, n);
  return new Map(reports.map((r) => [r.event.Records[0].Sns.MessageId, r.event]));
}

const ATTRIBUTES: Record<string, MessageAttributeValue> = {
  colour: { DataType: 'String', StringValue: 'red' },
  size: { DataType: 'Number', StringValue: '42' },
  tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
  raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
};
/** The same attributes as SNS shows them in a notification: `Type` and `Value`, binary as base64. */
const SHOWN = {
  colour: { Type: 'String', Value: 'red' },
  size: { Type: 'Number', Value: '42' },
  tags: { Type: 'String.Array', Value: '["a","b"]' },
  raw: { Type: 'Binary', Value: 'AAEC/w==' },
};

const refusals = (fn: string, topic: string, outcome = 'denied') =>
  logs.filter((l) => l.function === fnArn(fn) && l.source === topic && l.outcome === outcome && l.service === 'sns.amazonaws.com');

describe('lambda subscriptions', () => {
  test('the function receives AWS\'s SNS event record, field by field; Subject null when absent', async () => {
    const topic = await newTopic();
    const { fn, out } = await reporter();
    await allowSns(fn, topic);
    const subArn = await subscribe(topic, 'lambda', fnArn(fn));
    const t0 = Date.now();
    const withAll = await sns.send(new PublishCommand({ TopicArn: topic, Subject: 'Greetings', Message: 'Hello from SNS!', MessageAttributes: ATTRIBUTES }));
    const bare = await sns.send(new PublishCommand({ TopicArn: topic, Message: '{"plain":true}' }));
    const t1 = Date.now();
    const events = await eventsOf(out, 2);
    const check = (messageId: string, subject: string | null, message: string, attributes: object) => {
      const event = events.get(messageId);
      assert.ok(event, `an event for ${messageId}`);
      assert.deepEqual(Object.keys(event), ['Records']);
      assert.equal(event.Records.length, 1);
      const record = event.Records[0];
      assert.deepEqual(Object.keys(record), ['EventVersion', 'EventSource', 'EventSubscriptionArn', 'Sns']);
      assert.equal(record.EventVersion, '1.0');
      assert.equal(record.EventSource, 'aws:sns');
      assert.equal(record.EventSubscriptionArn, subArn);
      const s = record.Sns;
      assert.deepEqual(Object.keys(s), [
        'Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl',
        'UnsubscribeUrl', 'MessageAttributes',
      ]);
      assert.equal(s.Type, 'Notification');
      assert.equal(s.MessageId, messageId);
      assert.equal(s.TopicArn, topic);
      assert.equal(s.Subject, subject);
      assert.equal(s.Message, message);
      assert.match(s.Timestamp, ISO_MS);
      const at = Date.parse(s.Timestamp);
      assert.ok(at >= t0 - 1 && at <= t1 + 1, 'Timestamp is the publish time');
      assert.equal(s.SignatureVersion, '1');
      assert.equal(typeof s.Signature, 'string');
      assert.match(s.SigningCertUrl, /^http:\/\/.+\.pem$/);
      assert.equal(s.UnsubscribeUrl, `${app.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subArn)}`);
      assert.deepEqual(s.MessageAttributes, attributes);
    };
    check(withAll.MessageId!, 'Greetings', 'Hello from SNS!', SHOWN);
    check(bare.MessageId!, null, '{"plain":true}', {});
  });

  test('without a permission, or one for another topic, the function is not run and the refusal is logged', async () => {
    const topic = await newTopic();
    const none = await reporter();
    const wrong = await reporter();
    const otherAccount = await reporter();
    const allowed = await reporter();
    await allowSns(wrong.fn, `${topic}-other`);
    await allowSns(otherAccount.fn, topic, lambda, '111122223333');
    await allowSns(allowed.fn, topic, lambda, ACCOUNT);
    const missing = uniqueName('no-such-fn');
    for (const f of [none.fn, wrong.fn, otherAccount.fn, allowed.fn, missing]) await subscribe(topic, 'lambda', fnArn(f));
    const out = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'knock knock' }));
    assert.equal(out.$metadata.httpStatusCode, 200, 'a refused delivery does not fail the publish');
    // Refusals happen before Publish answers: they are logged by now, and nothing was queued for those functions.
    assert.equal(refusals(none.fn, topic).length, 1, 'no permission: refused and logged');
    assert.equal(refusals(wrong.fn, topic).length, 1, 'permission for another SourceArn: refused and logged');
    assert.equal(refusals(otherAccount.fn, topic).length, 1, 'permission for another SourceAccount than the topic owner: refused and logged');
    assert.equal(refusals(missing, topic, 'no-function').length, 1, 'a function that does not exist: logged');
    assert.equal(await backlogOf(app.url, none.fn), undefined);
    assert.equal(await backlogOf(app.url, wrong.fn), undefined);
    const events = await eventsOf(allowed.out, 1);
    assert.ok(events.has(out.MessageId!));
    assert.equal(await queueDepth(sqs, none.out.url), 0, 'never run');
    assert.equal(await queueDepth(sqs, wrong.out.url), 0, 'never run');
    assert.equal(await queueDepth(sqs, otherAccount.out.url), 0, 'never run');
    assert.equal(refusals(allowed.fn, topic).length, 0);
  });

  test('a filter policy on message attributes: only matching messages invoke the function', async () => {
    const topic = await newTopic();
    const { fn, out } = await reporter();
    await allowSns(fn, topic);
    await subscribe(topic, 'lambda', fnArn(fn), {
      FilterPolicy: JSON.stringify({ colour: ['red', 'green'], size: [{ numeric: ['>', 10] }] }),
    });
    const attrs = (colour: string, size: string): Record<string, MessageAttributeValue> => ({
      colour: { DataType: 'String', StringValue: colour }, size: { DataType: 'Number', StringValue: size },
    });
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'blue', MessageAttributes: attrs('blue', '42') }));
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'small', MessageAttributes: attrs('red', '5') }));
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'none' }));
    const match = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'match', MessageAttributes: attrs('green', '11') }));
    const events = await eventsOf(out, 1);
    assert.deepEqual([...events.keys()], [match.MessageId]);
    // Everything accepted for the function has run (and reported) once it is drained: nothing else was accepted.
    await waitFor('the function drained', () => drained(app.url, fn), 30_000);
    assert.equal(await queueDepth(sqs, out.url), 0);
  });

  test('MessageStructure json: the lambda key for functions, the sqs key for queues, default for the rest', async () => {
    const topic = await newTopic();
    const { fn, out } = await reporter();
    await allowSns(fn, topic);
    await subscribe(topic, 'lambda', fnArn(fn));
    const q = await createQueue(sqs, 'json');
    await subscribe(topic, 'sqs', q.arn, { RawMessageDelivery: 'true' });
    const plain = await createQueue(sqs, 'json-plain');
    const m = { default: 'for everyone', lambda: 'for functions', sqs: 'for queues', email: 'ignored' };
    const pub = await sns.send(new PublishCommand({ TopicArn: topic, MessageStructure: 'json', Message: JSON.stringify(m) }));
    assert.equal((await eventsOf(out, 1)).get(pub.MessageId!).Records[0].Sns.Message, 'for functions');
    assert.equal((await receive(sqs, q.url, 1))[0]!.Body, 'for queues');
    // Without a key of its own a protocol gets `default`.
    const t2 = await newTopic();
    await subscribe(t2, 'sqs', plain.arn, { RawMessageDelivery: 'true' });
    await sns.send(new PublishCommand({ TopicArn: t2, MessageStructure: 'json', Message: JSON.stringify({ default: 'fallback' }) }));
    assert.equal((await receive(sqs, plain.url, 1))[0]!.Body, 'fallback');
  });
});

describe('sqs subscriptions', () => {
  test('the queue receives SNS\'s JSON envelope: Subject and MessageAttributes only when the message has them', async () => {
    const topic = await newTopic();
    const q = await createQueue(sqs, 'env');
    const subArn = await subscribe(topic, 'sqs', q.arn);
    const t0 = Date.now();
    const full = await sns.send(new PublishCommand({ TopicArn: topic, Subject: 'Hi', Message: 'with everything', MessageAttributes: ATTRIBUTES }));
    const bare = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'bare' }));
    assert.equal(await queueDepth(sqs, q.url), 2, 'delivered before Publish answered');
    const bodies = new Map((await receive(sqs, q.url, 2)).map((m) => {
      const body = JSON.parse(m.Body!);
      assert.equal(m.MessageAttributes, undefined, 'no SQS attributes without raw delivery');
      return [body.MessageId, body];
    }));
    const unsubscribe = `${app.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subArn)}`;
    const a = bodies.get(full.MessageId!);
    assert.deepEqual(Object.keys(a), [
      'Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL',
      'MessageAttributes',
    ]);
    assert.equal(a.Type, 'Notification');
    assert.equal(a.TopicArn, topic);
    assert.equal(a.Subject, 'Hi');
    assert.equal(a.Message, 'with everything');
    assert.match(a.Timestamp, ISO_MS);
    assert.ok(Date.parse(a.Timestamp) >= t0 - 1);
    assert.equal(a.SignatureVersion, '1');
    assert.match(a.SigningCertURL, /\.pem$/);
    assert.equal(a.UnsubscribeURL, unsubscribe);
    assert.deepEqual(a.MessageAttributes, SHOWN);
    const b = bodies.get(bare.MessageId!);
    assert.deepEqual(Object.keys(b), ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL']);
    assert.equal(b.Message, 'bare');
  });

  test('RawMessageDelivery: the message itself, its attributes as SQS message attributes', async () => {
    const topic = await newTopic();
    const q = await createQueue(sqs, 'raw');
    await subscribe(topic, 'sqs', q.arn, { RawMessageDelivery: 'true' });
    await sns.send(new PublishCommand({ TopicArn: topic, Subject: 'not shown', Message: 'just this', MessageAttributes: ATTRIBUTES }));
    const [m] = await receive(sqs, q.url, 1);
    assert.equal(m!.Body, 'just this');
    const got = m!.MessageAttributes!;
    assert.deepEqual(Object.keys(got).sort(), ['colour', 'raw', 'size', 'tags']);
    assert.deepEqual({ ...got.colour }, { DataType: 'String', StringValue: 'red' });
    assert.deepEqual({ ...got.size }, { DataType: 'Number', StringValue: '42' });
    assert.deepEqual({ ...got.tags }, { DataType: 'String.Array', StringValue: '["a","b"]' });
    assert.equal(got.raw!.DataType, 'Binary');
    assert.deepEqual([...got.raw!.BinaryValue!], [0, 1, 2, 255]);
  });

  test('FilterPolicyScope MessageBody: the policy matches the JSON body; other bodies are not delivered', async () => {
    const topic = await newTopic();
    const q = await createQueue(sqs, 'body');
    await subscribe(topic, 'sqs', q.arn, {
      RawMessageDelivery: 'true', FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({ order: { kind: ['big'], total: [{ numeric: ['>=', 100] }] } }),
    });
    const bodies = [
      { order: { kind: 'big', total: 120 } },
      { order: { kind: 'big', total: 99 } },
      { order: { kind: 'small', total: 500 } },
      { kind: 'big', total: 120 },
    ];
    for (const b of bodies) await sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify(b) }));
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'not json', MessageAttributes: { kind: { DataType: 'String', StringValue: 'big' } } }));
    assert.equal(await queueDepth(sqs, q.url), 1);
    assert.deepEqual(JSON.parse((await receive(sqs, q.url, 1))[0]!.Body!), bodies[0]);
  });

  test('PublishBatch delivers each entry to every subscription, with its own id, subject and attributes', async () => {
    const topic = await newTopic();
    const q = await createQueue(sqs, 'batch');
    await subscribe(topic, 'sqs', q.arn);
    const { fn, out } = await reporter();
    await allowSns(fn, topic);
    await subscribe(topic, 'lambda', fnArn(fn));
    const r = await sns.send(new PublishBatchCommand({
      TopicArn: topic,
      PublishBatchRequestEntries: [
        { Id: 'one', Message: 'first', Subject: 'S1' },
        { Id: 'two', Message: 'second', MessageAttributes: { n: { DataType: 'Number', StringValue: '2' } } },
        { Id: 'three', Message: 'third' },
      ],
    }));
    assert.deepEqual(r.Failed ?? [], []);
    const ids = Object.fromEntries(r.Successful!.map((s) => [s.Id, s.MessageId]));
    assert.equal(await queueDepth(sqs, q.url), 3);
    const envelopes = new Map((await receive(sqs, q.url, 3)).map((m) => [JSON.parse(m.Body!).MessageId, JSON.parse(m.Body!)]));
    assert.equal(envelopes.get(ids.one).Message, 'first');
    assert.equal(envelopes.get(ids.one).Subject, 'S1');
    assert.deepEqual(envelopes.get(ids.two).MessageAttributes, { n: { Type: 'Number', Value: '2' } });
    assert.equal(envelopes.get(ids.three).Message, 'third');
    const events = await eventsOf(out, 3);
    assert.deepEqual([...events.keys()].sort(), Object.values(ids).sort());
    assert.equal(events.get(ids.one).Records[0].Sns.Subject, 'S1');
    assert.equal(events.get(ids.three).Records[0].Sns.Subject, null);
  });
});

describe('durability', () => {
  test('messages acknowledged by Publish are invoked after a kill -9 right after, on restart', async () => {
    const dir = path.join(dataDir, 'spawned');
    let server = await spawnLambkin(dir);
    let clients = { lambda: lambdaClient(server.url), sns: snsClient(server.url), sqs: sqsClient(server.url) };
    try {
      const topic = await newTopic(clients.sns);
      const { fn, out } = await reporter(clients.lambda, clients.sqs);
      await allowSns(fn, topic, clients.lambda);
      await subscribe(topic, 'lambda', fnArn(fn), undefined, clients.sns);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await clients.sns.send(new PublishCommand({ TopicArn: topic, Message: `m${i}` }))).MessageId!);
      server.proc.kill('SIGKILL');
      await server.exited;
      for (const c of Object.values(clients)) c.destroy();
      server = await spawnLambkin(dir);
      clients = { lambda: lambdaClient(server.url), sns: snsClient(server.url), sqs: sqsClient(server.url) };
      const runs = await receiveJson<Report>(clients.sqs, out.url, 10, 60_000, 'the runs of all five messages');
      const seen = new Set(runs.filter((r) => r.phase === 'start').map((r) => r.event.Records[0].Sns.MessageId));
      for (const id of ids) assert.ok(seen.has(id), `message ${id} was invoked after the restart`);
    } finally {
      for (const c of Object.values(clients)) c.destroy();
      await stopLambkin(server, 'SIGKILL');
    }
  });
});
